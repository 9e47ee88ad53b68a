// kiln plan: what would be built and why. No side effects beyond --output.
// planSelection() returns the data; printSelection() prints it, so the planner can extend both.

import path from 'node:path';
import { type CiEnv, parseCiEnv } from '../ci/ci-env.js';
import { loadSettings, type Settings } from '../config/settings.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { tagNeighbours } from '../plan/tags.js';
import { expandVariants, selectVariants } from '../plan/variants.js';
import { formatSelectionTable, selectionJson } from '../select/format-selection.js';
import { runSelection } from '../select/run-selection.js';
import { readProjects, type ScanOptions, scanProjects } from '../select/scan-projects.js';
import type { Project, SelectableProject, Selection, Trigger } from '../types.js';
import { type Command, parseFlags } from './command.js';
import { writeOutputFile } from './write-output.js';

export const PLAN_FLAGS = {
  root: { type: 'string' },
  trigger: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  projects: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
  'selection-only': { type: 'boolean' },
} as const;

const TRIGGERS: readonly Trigger[] = ['push', 'mr', 'schedule', 'manual'];

export interface PlanSelectionOptions {
  root?: string;
  trigger?: string;
  base?: string;
  head?: string;
  projects?: string;
}

export interface SelectionResult {
  root: string;
  settings: Settings;
  /** Every project, with what selection reads of it (depends_on, watch_paths). */
  scanned: SelectableProject[];
  ci: CiEnv;
  selection: Selection;
}

export interface PlanSelectionResult extends Omit<SelectionResult, 'scanned'> {
  /** The selected projects and their direct dependencies, parsed in full (the planner's input). */
  projects: Project[];
}

/** Where the projects are, as scanProjects and readProjects take it. */
function projectsIn(root: string, settings: Settings): ScanOptions {
  return {
    root,
    projectsDir: settings.projectsDir,
    repositoryMode: settings.repositoryMode,
    exclude: settings.exclude,
  };
}

/**
 * Loads settings and CI variables, scans the projects (reading only what selection needs) and
 * selects. What `kiln plan --selection-only` prints; planSelection goes on to what is built.
 */
export async function selectInRepository(
  options: PlanSelectionOptions,
  ctx: Context,
): Promise<SelectionResult> {
  if (options.trigger !== undefined && !TRIGGERS.includes(options.trigger as Trigger)) {
    throw usageError(`--trigger must be one of ${TRIGGERS.join(', ')}, not "${options.trigger}"`);
  }
  const root = path.resolve(ctx.cwd, options.root ?? '.');
  const ci = parseCiEnv(ctx.env);
  const settings = await loadSettings({ root, env: ctx.env });
  const scanned = scanProjects(projectsIn(root, settings));
  const selection = await runSelection({
    ctx,
    settings,
    projects: scanned,
    ci,
    root,
    flags: {
      ...(options.trigger !== undefined ? { trigger: options.trigger as Trigger } : {}),
      ...(options.base !== undefined ? { base: options.base } : {}),
      ...(options.head !== undefined ? { head: options.head } : {}),
      ...(options.projects !== undefined ? { projects: options.projects } : {}),
    },
  });
  return { root, settings, scanned, ci, selection };
}

/**
 * Selects, then parses the selected projects in full: what is built is validated, the rest is
 * `kiln validate`'s. The planner builds on the result.
 */
export async function planSelection(
  options: PlanSelectionOptions,
  ctx: Context,
): Promise<PlanSelectionResult> {
  const { scanned, ...selected } = await selectInRepository(options, ctx);
  const { root, settings, selection } = selected;
  // The selected projects and what they depend on ({{image:NAME}} of a dependency not rebuilt).
  const names = new Set(selection.projects.map((p) => p.name));
  for (const p of scanned) if (names.has(p.name)) for (const dep of p.config.depends_on) names.add(dep);
  // And every project whose tags could meet theirs, so the planner can refuse a shared tag.
  const all = scanned.map((p) => p.name);
  const built = selection.projects.map((p) => p.name);
  for (const name of tagNeighbours(built, all, settings)) names.add(name);
  const read = readProjects({ ...projectsIn(root, settings), names: [...names], allNames: all });
  // Each variant is planned as a project of its own, selected with its project (plan/variants.ts).
  return { ...selected, selection: selectVariants(selection, read), projects: expandVariants(read, all) };
}

/** Writes --output (the child pipeline, or the selection JSON with --selection-only). */
async function writeOutput(output: string, text: string, ctx: Context): Promise<void> {
  await writeOutputFile(path.resolve(ctx.cwd, output), text, {
    message: `cannot write ${output}`,
    hint: 'check the --output path',
  });
}

/** Table (or JSON with --json) on stdout, notes on stderr; --output writes the JSON document. */
export async function printSelection(
  document: Record<string, unknown>,
  selection: Selection,
  options: { json?: boolean; output?: string },
  ctx: Context,
): Promise<void> {
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (options.output) await writeOutput(options.output, json, ctx);
  for (const note of selection.notes) ctx.log.info(`note: ${note}`);
  ctx.log.out(options.json ? json.trimEnd() : formatSelectionTable(selection));
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what would be built and why (no side effects)',
  help: [
    'Usage: kiln plan [--root DIR] [--trigger push|mr|schedule|manual] [--base REV] [--head REV]',
    '                 [--projects a,b|all] [--json] [--output FILE] [--selection-only]',
    '',
    'Selects the projects to build, pins each upstream ref to a commit SHA (git ls-remote) and',
    'prints per project: the reasons, upstream@SHA, platforms, tags and jobs. Without flags inside a',
    'GitLab job the trigger, base and head come from the CI_* variables; outside CI it compares HEAD',
    'with its parent.',
    '',
    'Options:',
    '  --root DIR        repository root (default: current directory)',
    '  --trigger T       push | mr | schedule | manual (default: from CI_PIPELINE_SOURCE, else push)',
    '  --base REV        compare from this commit (default: see README "How projects are selected")',
    '  --head REV        compare up to this commit (default: CI_COMMIT_SHA, else HEAD)',
    '  --projects LIST   build exactly these projects ("all" or a,b,c); overrides the trigger',
    '  --json            print the plan as JSON (plan.json of kiln prepare)',
    '  --output FILE     also write the child pipeline YAML to FILE',
    '  --selection-only  stop after the selection (no git ls-remote, no registry needed):',
    '                    print the selected projects and reasons; --output then writes their JSON.',
    '                    Of the configs it reads only depends_on and watch_paths (kiln validate',
    '                    and plan without this flag check the rest)',
  ].join('\n'),
  async run(argv, ctx) {
    const { values } = parseFlags(argv, PLAN_FLAGS, 'plan');
    if (values['selection-only']) {
      const { selection } = await selectInRepository(values, ctx);
      await printSelection(selectionJson(selection), selection, values, ctx);
      return 0;
    }
    const selected = await planSelection(values, ctx);
    for (const note of selected.selection.notes) ctx.log.info(`note: ${note}`);
    // Loaded here so --selection-only does not initialise the planner and renderer (bench/selection.mjs).
    const [{ planPipeline }, { formatPlan }] = await Promise.all([
      import('./plan-steps.js'),
      import('../plan/format-plan.js'),
    ]);
    const { plan, yaml } = await planPipeline({ ctx, ...selected });
    if (values.output) await writeOutput(values.output, yaml, ctx);
    ctx.log.out(values.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    return 0;
  },
};
