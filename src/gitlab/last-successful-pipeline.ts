// The commit of the last successful push pipeline on a branch: the base that makes a failed
// pipeline's projects come back on the next push. Documented endpoint:
// GET /projects/:id/pipelines?ref=…&status=success&source=push&order_by=id&sort=desc&per_page=1
// https://docs.gitlab.com/api/pipelines/#list-project-pipelines
// Only `source=push` pipelines count: a scheduled or manual pipeline on the branch built a list of
// projects, not the branch's changes, so its success says nothing about what the branch contains.
import { isFullCommitSha } from '../config/git-url.js';
import { KilnError } from '../errors.js';
import { createGitlabClient, type GitlabClientOptions } from './client.js';

export interface LastSuccessfulPipeline {
  id: number;
  sha: string;
  webUrl?: string;
}

export interface LastSuccessfulPipelineOptions extends GitlabClientOptions {
  projectId: string;
  ref: string;
}

/** The newest successful push pipeline of `ref`, or undefined when there is none yet. Throws GITLAB_API_FAILED. */
export async function lastSuccessfulPipeline(
  options: LastSuccessfulPipelineOptions,
): Promise<LastSuccessfulPipeline | undefined> {
  const client = createGitlabClient(options);
  let pipelines: { id: number; sha: string; web_url?: string }[];
  try {
    pipelines = await client.Pipelines.all(options.projectId, {
      ref: options.ref,
      status: 'success',
      source: 'push',
      orderBy: 'id',
      sort: 'desc',
      perPage: 1,
      maxPages: 1,
    });
  } catch (error) {
    const status = (error as { cause?: { response?: { status?: number } } }).cause?.response?.status;
    throw new KilnError(
      'GITLAB_API_FAILED',
      `listing the pipelines of project ${options.projectId} failed${status ? ` (HTTP ${status})` : ''}`,
      {
        cause: error,
        hint:
          status === 401 || status === 403
            ? 'the token needs the read_api scope and at least the Reporter role'
            : 'check CI_API_V4_URL and that the GitLab API is reachable from the runner',
      },
    );
  }
  const latest = pipelines[0];
  if (!latest) return undefined;
  if (!isFullCommitSha(latest.sha)) {
    throw new KilnError(
      'GITLAB_API_FAILED',
      `pipeline ${latest.id} has no valid commit SHA ("${latest.sha}")`,
    );
  }
  return { id: latest.id, sha: latest.sha, ...(latest.web_url ? { webUrl: latest.web_url } : {}) };
}
