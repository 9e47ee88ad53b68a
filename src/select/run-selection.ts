// The I/O around the pure selection step, in order: trigger → (list | base and head → deepen →
// diff → old build-config.yaml at the base) → selectProjects. Called by `kiln plan` and `kiln prepare`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CiEnv } from '../ci/ci-env.js';
import { parseBuildConfig } from '../config/parse-build-config.js';
import { parseRebuildList } from '../config/rebuild-list.js';
import type { Settings } from '../config/settings.js';
import type { Context } from '../context.js';
import { KilnError, throwIfProblems } from '../errors.js';
import { changedFiles } from '../git/changed-files.js';
import { resolveCommit, showFiles } from '../git/revisions.js';
import { gitlabHost, gitlabToken } from '../gitlab/host.js';
import type { FileChange, SelectableProject, Selection, Trigger } from '../types.js';
import { parseProjectList } from './project-list.js';
import { ancestryNote, headRevision, resolveBase } from './resolve-base.js';
import { type SelectionInput, selectProjects } from './select-projects.js';

export interface SelectionFlags {
  trigger?: Trigger;
  base?: string;
  head?: string;
  /** `all` or names (`--projects`); overrides every trigger. */
  projects?: string;
}

export interface RunSelectionInput {
  ctx: Context;
  settings: Settings;
  /**
   * The projects at head (from the working tree, which must be the head checkout). Full Projects
   * fit; selection reads only names, folders, depends_on and watch_paths.
   */
  projects: readonly SelectableProject[];
  ci: CiEnv;
  flags?: SelectionFlags;
  /** Repository root; defaults to ctx.cwd. */
  root?: string;
  /** Bound on deepening a shallow clone, in commits. */
  maxDeepen?: number;
}

export const DEFAULT_MAX_DEEPEN = 2000;

export async function runSelection(input: RunSelectionInput): Promise<Selection> {
  const { ctx, settings, projects, ci } = input;
  const flags = input.flags ?? {};
  const root = input.root ?? ctx.cwd;
  const trigger = triggerOf(flags, ci);
  const names = projects.map((p) => p.name);
  const base: Omit<SelectionInput, 'source'> = {
    trigger,
    projects,
    rules: { projectsDir: settings.projectsDir, ignore: settings.ignore, globalPaths: settings.globalPaths },
  };

  // An explicit list wins: --projects always, KILN_PROJECTS for manual and scheduled pipelines.
  const listValue =
    flags.projects ?? (trigger === 'manual' || trigger === 'schedule' ? ci.kilnProjects : undefined);
  if (listValue !== undefined) {
    const field = flags.projects !== undefined ? '--projects' : 'KILN_PROJECTS';
    const list = parseProjectList(listValue, names, field);
    const notes = trigger === 'schedule' ? [`${field}=${listValue} replaces ${settings.rebuildFile}`] : [];
    return selectProjects({
      ...base,
      notes,
      source: { kind: 'list', names: list, reason: { kind: 'manual', value: listValue } },
    });
  }
  if (trigger === 'manual') {
    throw new KilnError('SELECTION_FAILED', 'a manual pipeline needs KILN_PROJECTS', {
      where: { field: 'KILN_PROJECTS' },
      hint: 'run the pipeline with the variable KILN_PROJECTS set to "all" or project names (comma separated)',
    });
  }
  if (trigger === 'schedule') {
    const names_ = await readRebuildList(root, settings.rebuildFile, names);
    return selectProjects({
      ...base,
      source: { kind: 'list', names: names_, reason: { kind: 'scheduled', file: settings.rebuildFile } },
    });
  }

  const token = gitlabToken(ctx.env, settings.gitlabTokenVariable);
  ctx.log.addSecret(token);
  const host = gitlabHost(ci);
  const branch = ci.commitBranch;
  const lastSuccessful =
    trigger === 'push' && token && host && ci.projectId && branch
      ? async () => {
          const { lastSuccessfulPipeline } = await import('../gitlab/last-successful-pipeline.js');
          return lastSuccessfulPipeline({ host, token, projectId: ci.projectId!, ref: branch });
        }
      : undefined;
  // Independent git calls run side by side: each spawn costs milliseconds (bench/selection.mjs).
  const [range, headOfTree] = await Promise.all([
    resolveBase({
      ctx,
      root,
      ci,
      trigger,
      flags,
      maxDeepen: input.maxDeepen ?? DEFAULT_MAX_DEEPEN,
      ...(lastSuccessful ? { lastSuccessful } : {}),
    }),
    // The working tree's commit, when head may be another one (projects are read from the tree).
    headRevision(flags, ci) === 'HEAD' ? undefined : resolveCommit({ cwd: root, rev: 'HEAD' }),
  ]);
  const treeNote =
    headOfTree && headOfTree !== range.head
      ? `projects were read from the working tree (${headOfTree.slice(0, 12)}), not from head ${range.head.slice(0, 12)}`
      : undefined;
  if ('all' in range) {
    const notes = treeNote ? [...range.notes, treeNote] : range.notes;
    return selectProjects({ ...base, head: range.head, notes, source: { kind: 'all', why: range.all } });
  }
  const git = { cwd: root, mask: ctx.log.mask };
  const [changes, ancestry] = await Promise.all([
    changedFiles({ ...git, base: range.base, head: range.head }),
    ancestryNote(git, range),
  ]);
  const notes = [...range.notes, ...(ancestry ? [ancestry] : []), ...(treeNote ? [treeNote] : [])];
  // A typo in the rebuild list would only surface at the weekly schedule: check it when it changes.
  if (changes.some((c) => c.path === settings.rebuildFile && c.status !== 'D')) {
    const listed = await readRebuildList(root, settings.rebuildFile, names);
    notes.push(`${settings.rebuildFile} changed: checked, ${listed.length} project(s) listed`);
  }
  const sameConfig = await unchangedConfigs({
    git,
    base: range.base,
    head: range.head,
    changes,
    projects,
    settings,
  });
  return selectProjects({
    ...base,
    base: range.base,
    head: range.head,
    notes,
    source: { kind: 'changes', changes, sameConfig },
  });
}

function triggerOf(flags: SelectionFlags, ci: CiEnv): Trigger {
  if (flags.trigger) return flags.trigger;
  if (ci.trigger) return ci.trigger;
  // Outside CI, naming the projects is a manual run: say so instead of calling it a push.
  if (!ci.pipelineSource && flags.projects !== undefined) return 'manual';
  if (ci.pipelineSource) {
    throw new KilnError(
      'SELECTION_FAILED',
      `kiln does not select projects for CI_PIPELINE_SOURCE=${ci.pipelineSource}`,
      {
        hint: 'pass --trigger push|mr|schedule|manual, or do not run the prepare job for this pipeline source',
      },
    );
  }
  return 'push';
}

async function readRebuildList(root: string, file: string, names: string[]): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch (error) {
    throw new KilnError('CONFIG_INVALID', `cannot read the rebuild list ${file}`, {
      cause: error,
      where: { file },
      hint: 'a scheduled pipeline rebuilds the projects listed there (one name a line); set rebuild_file in kiln.yaml or KILN_PROJECTS',
    });
  }
  const list = parseRebuildList(text, file, names);
  throwIfProblems('CONFIG_INVALID', `invalid rebuild list ${file}`, list.problems);
  return list.names;
}

/**
 * build-config.yaml files modified in the range whose parsed config is the same at base and head:
 * a change of comments, key order or formatting is not a reason to rebuild.
 */
async function unchangedConfigs(options: {
  git: { cwd: string; mask: (t: string) => string };
  base: string;
  head: string;
  changes: readonly FileChange[];
  projects: readonly SelectableProject[];
  settings: Settings;
}): Promise<string[]> {
  const byFile = new Map(options.projects.map((p) => [p.file, p]));
  const names = options.projects.map((p) => p.name);
  const modified = options.changes.filter((c) => c.status === 'M' && byFile.has(c.path));
  // Both versions of every modified config in one git call (a bulk edit touches many).
  const texts = await showFiles({
    ...options.git,
    files: modified.flatMap((c) => [
      { rev: options.base, path: c.path },
      { rev: options.head, path: c.path },
    ]),
  });
  const parse = (text: string | undefined, file: string, name: string) => {
    if (text === undefined) return undefined;
    const parsed = parseBuildConfig(text, file, name, {
      projectNames: names,
      repositoryMode: options.settings.repositoryMode,
    });
    return parsed.problems.length === 0 ? parsed.config : undefined;
  };
  const same = modified.map((c, i) => {
    const name = byFile.get(c.path)!.name;
    const before = parse(texts[2 * i], c.path, name);
    const after = parse(texts[2 * i + 1], c.path, name);
    return before !== undefined && after !== undefined && isDeepStrictEqual(before, after);
  });
  return modified.filter((_, i) => same[i]).map((c) => c.path);
}
