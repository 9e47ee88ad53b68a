// The one way kiln talks to the GitLab REST API: a @gitbeaker/rest client for a host and token.
// Used for the last successful pipeline (selection), pipeline schedules and merge-request notes.
// Loaded lazily by callers (`await import`) so commands that never call the API stay fast; which
// host and token to use is decided in host.ts, without loading gitbeaker.
import { Gitlab } from '@gitbeaker/rest';

export type GitlabClient = InstanceType<typeof Gitlab<false>>;

export interface GitlabClientOptions {
  /** Server URL (`https://gitlab.example.com`, or a sub-path install); `/api/v4` is added by gitbeaker. */
  host: string;
  /** A personal, project or group access token (`PRIVATE-TOKEN` header). */
  token: string;
}

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  // A CI job must not hang on an unreachable API: requests give up after 10 s.
  return new Gitlab({ host: options.host.replace(/\/+$/, ''), queryTimeout: 10_000, token: options.token });
}
