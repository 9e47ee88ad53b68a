// Which GitLab server and token to use, from CI_* and settings. Kept apart from the API client
// (client.ts, @gitbeaker/rest) so that deciding whether to call the API does not load gitbeaker.
import type { CiEnv } from '../ci/ci-env.js';
import type { Env } from '../context.js';

/** `https://gitlab.example.com/api/v4/` → `https://gitlab.example.com` (sub-path installs kept). */
export function serverFromApiUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

/**
 * The server URL to use for API calls: derived from CI_API_V4_URL (always right, also for
 * sub-path installs), else CI_SERVER_URL.
 */
export function gitlabHost(ci: CiEnv): string | undefined {
  if (ci.apiV4Url) return serverFromApiUrl(ci.apiV4Url);
  return ci.serverUrl ? ci.serverUrl.replace(/\/+$/, '') : undefined;
}

/** The API token from the CI variable named by the `gitlabTokenVariable` setting, if set. */
export function gitlabToken(env: Env, variable: string): string | undefined {
  const value = variable ? env[variable] : undefined;
  return value && value.trim() !== '' ? value.trim() : undefined;
}
