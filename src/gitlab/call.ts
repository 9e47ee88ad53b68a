// One way to turn a failed gitbeaker request into a KilnError: what kiln was doing, the HTTP
// status GitLab answered, and what to check for that status. The original error stays as cause.
import { KilnError } from '../errors.js';

/** Runs a GitLab API request; failures become GITLAB_API_FAILED. `access` names the token's needs. */
export async function gitlabCall<T>(what: string, access: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { cause?: { response?: { status?: number } } }).cause?.response?.status;
    throw new KilnError('GITLAB_API_FAILED', `${what} failed${status ? ` (HTTP ${status})` : ''}`, {
      cause: error,
      hint: hintFor(status, access),
    });
  }
}

function hintFor(status: number | undefined, access: string): string {
  if (status === 401 || status === 403) return `the token ${access}`;
  if (status === 404)
    return 'check the project id or path (--project, CI_PROJECT_ID) and that the token can see it';
  if (status === 400) return 'GitLab refused the values; its message is in the cause below';
  return 'check CI_API_V4_URL (or --gitlab-url) and that the GitLab API is reachable from here';
}
