// The prepare job's merge-request step: with a GitLab token, post the plan as one Markdown note on
// the merge request (updated on every pipeline). A note is a courtesy: an API failure is a
// warning in the job log, never a failed pipeline.
import { type CiEnv, parseCiEnv } from '../ci/ci-env.js';
import type { Settings } from '../config/settings.js';
import type { Context } from '../context.js';
import { formatProblem, KilnError } from '../errors.js';
import { gitlabHost, gitlabToken } from '../gitlab/host.js';
import type { PostPlanNoteResult } from '../gitlab/mr-note.js';
import type { BuildPlan } from '../plan/types.js';

export interface PlanNoteStepInput {
  ctx: Context;
  settings: Pick<Settings, 'gitlabTokenVariable'>;
  plan: BuildPlan;
}

/** Posts or updates the plan note on merge-request pipelines; returns what happened, or undefined when skipped. */
export async function postPlanNoteStep(input: PlanNoteStepInput): Promise<PostPlanNoteResult | undefined> {
  const { ctx } = input;
  const ci = parseCiEnv(ctx.env);
  const mrIid = ci.mergeRequest?.iid;
  if (ci.trigger !== 'mr' || mrIid === undefined) return undefined;
  return ctx.log.section('merge request note', () => postNote(input, ci, mrIid));
}

async function postNote(
  input: PlanNoteStepInput,
  ci: CiEnv,
  mrIid: number,
): Promise<PostPlanNoteResult | undefined> {
  const { ctx } = input;
  const token = gitlabToken(ctx.env, input.settings.gitlabTokenVariable);
  const host = gitlabHost(ci);
  if (!token || !host || !ci.projectId) {
    ctx.log.info(`plan note: skipped (no token in $${input.settings.gitlabTokenVariable})`);
    return undefined;
  }
  ctx.log.addSecret(token);
  // Loaded only when a note is posted: gitbeaker is a large part of the bundle's start-up.
  const [{ createGitlabClient }, { planNoteBody, postPlanNote }] = await Promise.all([
    import('../gitlab/client.js'),
    import('../gitlab/mr-note.js'),
  ]);
  try {
    const result = await postPlanNote({
      api: createGitlabClient({ host, token }),
      projectId: ci.projectId,
      mrIid,
      body: planNoteBody({
        plan: input.plan,
        ...(ci.pipelineUrl ? { pipelineUrl: ci.pipelineUrl } : {}),
        ...(ci.projectUrl ? { projectUrl: ci.projectUrl } : {}),
        ...(ci.serverHost ? { serverHost: ci.serverHost } : {}),
      }),
    });
    ctx.log.info(`plan note: ${result.action} note ${result.noteId} on !${mrIid}`);
    return result;
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    ctx.log.warn(
      `plan note not posted: ${formatProblem({ message: error.message, ...(error.hint ? { hint: error.hint } : {}) })}`,
    );
    return undefined;
  }
}
