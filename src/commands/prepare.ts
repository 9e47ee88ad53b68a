// kiln prepare: the CI entry. CI_* → settings → projects → selection → pinned sources → plan →
// child pipeline; creates missing ECR repositories; writes the child pipeline and plan.json.

import path from 'node:path';
import type { Settings } from '../config/settings.js';
import type { Context } from '../context.js';
import { formatPlan } from '../plan/format-plan.js';
import { isEcrRegistry, registryHost, repositoriesToCreate } from '../plan/repositories.js';
import type { BuildPlan } from '../plan/types.js';
import { parseEcrHost } from '../registry/ecr/ecr-host.js';
import { CHILD_PIPELINE_FILE } from '../render/split-pipeline.js';
import { banner } from '../version.js';
import { type Command, parseFlags } from './command.js';
import { planSelection } from './plan.js';
import { postPlanNoteStep } from './plan-note-step.js';
import { planPipeline } from './plan-steps.js';
import { settingsSources } from './settings-sources.js';
import { writeOutputFile } from './write-output.js';

export const PLAN_FILE = 'plan.json';

const FLAGS = {
  root: { type: 'string' },
  output: { type: 'string' },
  plan: { type: 'string' },
} as const;

const HELP = `Usage: kiln prepare [--root DIR] [--output FILE] [--plan FILE]

The prepare job of the kiln component: selects the projects to build from the CI_* variables,
pins every upstream ref to a commit SHA (git ls-remote), plans the per-architecture build jobs and
the manifest jobs, creates missing ECR repositories, and writes the child pipeline and the plan.

Options:
  --root DIR      repository root (default: current directory)
  --output FILE   child pipeline to write (default: ${CHILD_PIPELINE_FILE})
  --plan FILE     plan to write as JSON (default: ${PLAN_FILE})

Merge-request pipelines with merge_requests: plan validate and plan only: the child pipeline has a
single job that prints the plan and pushes nothing, and the component does not trigger it.`;

async function write(file: string, text: string, what: string): Promise<void> {
  await writeOutputFile(file, text, {
    message: `cannot write the ${what} to ${file}`,
    hint: 'check the path',
  });
}

/** ECR refuses pushes to missing repositories: create the image and cache repositories first. */
function ecrRepositories(plan: BuildPlan): string[] {
  if (!plan.push || plan.projects.length === 0) return [];
  return repositoriesToCreate(plan).filter(isEcrRegistry);
}

async function ensureEcr(
  repositories: string[],
  ctx: Context,
  settings: Pick<Settings, 'awsRegion' | 'ecrTagMutability' | 'ecrScanOnPush'>,
): Promise<void> {
  const region = settings.awsRegion;
  const ecr = parseEcrHost(registryHost(repositories[0] ?? ''));
  // Loaded only for ECR registries: the AWS SDK is most of the bundle's start-up.
  const [{ ecrEndpointFromEnv }, { ensureRepositories }] = await Promise.all([
    import('../registry/ecr/ecr-client.js'),
    import('../registry/ecr/ensure-repositories.js'),
  ]);
  const endpoint = ecrEndpointFromEnv(ctx.env);
  const result = await ensureRepositories({
    repositories,
    region: region || ecr?.region || '',
    registryId: ecr?.registryId ?? '',
    imageTagMutability: settings.ecrTagMutability,
    scanOnPush: settings.ecrScanOnPush,
    ...(endpoint ? { endpoint } : {}),
    log: ctx.log,
  });
  ctx.log.info(`ECR: ${result.created.length} repositories created, ${result.existing.length} already there`);
}

export const prepareCommand: Command = {
  name: 'prepare',
  summary: 'CI job: write the child pipeline and plan.json',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, FLAGS, 'prepare');
    const root = path.resolve(ctx.cwd, values.root ?? '.');
    ctx.log.info(banner('prepare', `settings: ${settingsSources(root, ctx.env)}`));
    const selected = await ctx.log.section('selection: which projects to build', async (log) => {
      const result = await planSelection({ root }, ctx);
      for (const note of result.selection.notes) log.info(`note: ${note}`);
      log.info(`selected ${result.selection.projects.length} project(s)`);
      return result;
    });
    const output = path.resolve(ctx.cwd, values.output ?? CHILD_PIPELINE_FILE);
    // Relative to the job's folder, as artifact paths are: the router names the parts so.
    const childFile = path.relative(ctx.cwd, output).split(path.sep).join('/');
    const { plan, yaml, parts } = await planPipeline({ ctx, ...selected, childFile });
    const table = formatPlan(plan);
    await ctx.log.section('plan', async (log) => log.info(table));
    // create_repositories: false leaves ECR alone (repositories managed elsewhere, by Terraform say).
    const ecr = selected.settings.createRepositories ? ecrRepositories(plan) : [];
    if (ecr.length > 0) {
      await ctx.log.section('ECR repositories', () => ensureEcr(ecr, ctx, selected.settings));
    }
    const planFile = path.resolve(ctx.cwd, values.plan ?? PLAN_FILE);
    for (const part of parts) await write(path.resolve(ctx.cwd, part.file), part.yaml, 'child pipeline part');
    await write(output, yaml, 'child pipeline');
    await write(planFile, `${JSON.stringify(plan, null, 2)}\n`, 'plan');
    const shown = (file: string) => path.relative(ctx.cwd, file) || file;
    const partsNote = parts.length > 0 ? `, ${parts.length} child pipeline parts beside it` : '';
    ctx.log.info(`kiln: wrote ${shown(output)}${partsNote} and ${shown(planFile)}`);
    // Merge requests with a GitLab token: the plan as one note on the MR (a warning if the API fails).
    await postPlanNoteStep({ ctx, settings: selected.settings, plan });
    return 0;
  },
};
