// The one way kiln talks to the GitLab REST API: a @gitbeaker/rest client for a host and token.
// Used for the last successful pipeline (selection), pipeline schedules and merge-request notes.
// Loaded lazily by callers (`await import`) so commands that never call the API stay fast.
import { Gitlab } from '@gitbeaker/rest';
import type { CiEnv } from '../ci/ci-env.js';
import type { Env } from '../context.js';

export type GitlabClient = InstanceType<typeof Gitlab<false>>;

export interface GitlabClientOptions {
  /** Server URL (`https://gitlab.example.com`, or a sub-path install); `/api/v4` is added by gitbeaker. */
  host: string;
  token: string;
  /**
   * `private` (personal/project/group access token, `PRIVATE-TOKEN` header), `job` (CI_JOB_TOKEN,
   * `JOB-TOKEN` header; many endpoints refuse it) or `oauth` (`Authorization: Bearer`).
   */
  tokenKind?: 'private' | 'job' | 'oauth';
  /** Milliseconds before a request is abandoned; a CI job must not hang on an unreachable API. */
  timeoutMs?: number;
}

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  const common = { host: stripTrailingSlash(options.host), queryTimeout: options.timeoutMs ?? 10_000 };
  switch (options.tokenKind ?? 'private') {
    case 'job':
      return new Gitlab({ ...common, jobToken: options.token });
    case 'oauth':
      return new Gitlab({ ...common, oauthToken: options.token });
    default:
      return new Gitlab({ ...common, token: options.token });
  }
}

/**
 * The server URL to use for API calls: derived from CI_API_V4_URL (always right, also for
 * sub-path installs), else CI_SERVER_URL.
 */
export function gitlabHost(ci: CiEnv): string | undefined {
  if (ci.apiV4Url) return stripTrailingSlash(ci.apiV4Url).replace(/\/api\/v4$/, '');
  return ci.serverUrl ? stripTrailingSlash(ci.serverUrl) : undefined;
}

/** The API token from the CI variable named by the `gitlabTokenVariable` setting, if set. */
export function gitlabToken(env: Env, variable: string): string | undefined {
  const value = variable ? env[variable] : undefined;
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function stripTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
