// kiln plan: what would be built and why. No side effects beyond --output.
// planSelection() returns the data; printSelection() prints it, so the planner can extend both.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CiEnv, parseCiEnv } from '../ci/ci-env.js';
import { loadProjectsOrThrow } from '../config/load-projects.js';
import { loadSettings, type Settings } from '../config/settings.js';
import type { Context } from '../context.js';
import { KilnError, usageError } from '../errors.js';
import { formatSelectionTable, selectionJson } from '../select/format-selection.js';
import { runSelection } from '../select/run-selection.js';
import type { Project, Selection, Trigger } from '../types.js';
import { type Command, parseFlags } from './command.js';

export const PLAN_FLAGS = {
  root: { type: 'string' },
  trigger: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  projects: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
} as const;

const TRIGGERS: readonly Trigger[] = ['push', 'mr', 'schedule', 'manual'];

export interface PlanSelectionOptions {
  root?: string;
  trigger?: string;
  base?: string;
  head?: string;
  projects?: string;
}

export interface PlanSelectionResult {
  root: string;
  settings: Settings;
  projects: Project[];
  ci: CiEnv;
  selection: Selection;
}

/** Loads settings, projects and CI variables, then selects. The planner builds on the result. */
export async function planSelection(
  options: PlanSelectionOptions,
  ctx: Context,
): Promise<PlanSelectionResult> {
  if (options.trigger !== undefined && !TRIGGERS.includes(options.trigger as Trigger)) {
    throw usageError(`--trigger must be one of ${TRIGGERS.join(', ')}, not "${options.trigger}"`);
  }
  const root = path.resolve(ctx.cwd, options.root ?? '.');
  const ci = parseCiEnv(ctx.env);
  const settings = await loadSettings({ root, env: ctx.env });
  const projects = await loadProjectsOrThrow({
    root,
    projectsDir: settings.projectsDir,
    repositoryMode: settings.repositoryMode,
  });
  const selection = await runSelection({
    ctx,
    settings,
    projects,
    ci,
    root,
    flags: {
      ...(options.trigger !== undefined ? { trigger: options.trigger as Trigger } : {}),
      ...(options.base !== undefined ? { base: options.base } : {}),
      ...(options.head !== undefined ? { head: options.head } : {}),
      ...(options.projects !== undefined ? { projects: options.projects } : {}),
    },
  });
  return { root, settings, projects, ci, selection };
}

/** Table (or JSON with --json) on stdout, notes on stderr; --output writes the JSON document. */
export async function printSelection(
  document: Record<string, unknown>,
  selection: Selection,
  options: { json?: boolean; output?: string },
  ctx: Context,
): Promise<void> {
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (options.output) {
    const file = path.resolve(ctx.cwd, options.output);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, json);
    } catch (error) {
      throw new KilnError('USAGE', `cannot write ${options.output}`, {
        cause: error,
        hint: 'check the --output path',
      });
    }
  }
  for (const note of selection.notes) ctx.log.info(`note: ${note}`);
  ctx.log.out(options.json ? json.trimEnd() : formatSelectionTable(selection));
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what would be built and why (no side effects)',
  help: [
    'Usage: kiln plan [--root DIR] [--trigger push|mr|schedule|manual] [--base REV] [--head REV]',
    '                 [--projects a,b|all] [--json] [--output FILE]',
    '',
    'Selects the projects to build and prints each with its reasons. Without flags inside a GitLab',
    'job the trigger, base and head come from the CI_* variables; outside CI it compares HEAD with',
    'its parent.',
    '',
    'Options:',
    '  --root DIR        repository root (default: current directory)',
    '  --trigger T       push | mr | schedule | manual (default: from CI_PIPELINE_SOURCE, else push)',
    '  --base REV        compare from this commit (default: see README "How projects are selected")',
    '  --head REV        compare up to this commit (default: CI_COMMIT_SHA, else HEAD)',
    '  --projects LIST   build exactly these projects ("all" or a,b,c); overrides the trigger',
    '  --json            print JSON instead of a table',
    '  --output FILE     also write the JSON to FILE',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals, help } = parseFlags(argv, PLAN_FLAGS, 'plan');
    if (help) {
      ctx.log.out(this.help);
      return 0;
    }
    if (positionals.length > 0)
      throw usageError(`unexpected argument "${positionals[0]}"`, 'run kiln plan --help');
    const { selection } = await planSelection(values, ctx);
    await printSelection(selectionJson(selection), selection, values, ctx);
    return 0;
  },
};
