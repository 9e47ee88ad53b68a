// The pure selection step: changed files (or a list) + projects + trigger → the projects to build,
// each with its reasons. No git, fs, env or clock here; run-selection.ts gathers the data.

import { projectsPrefix } from '../config/projects-dir.js';
import { KilnError } from '../errors.js';
import type { FileChange, Reason, SelectableProject, SelectedProject, Selection, Trigger } from '../types.js';
import { checkDependencies, dependencyOrder, dependentsOf } from './dependency-order.js';
import { compileGlobs, configDir, isProjectFolder, nameOfDir, projectOwner } from './path-rules.js';

export interface SelectionRules {
  projectsDir: string;
  /** Globs whose changes never select anything (docs). */
  ignore: readonly string[];
  /** Globs whose changes select every project. */
  globalPaths: readonly string[];
}

export type SelectionSource =
  /** push / mr: the files that differ between base and head. */
  | {
      kind: 'changes';
      changes: readonly FileChange[];
      /** build-config.yaml files whose parsed config is identical at base and head (comments, order). */
      sameConfig?: readonly string[];
    }
  /** schedule (rebuild list) or manual (KILN_PROJECTS / --projects). */
  | {
      kind: 'list';
      names: readonly string[] | 'all';
      reason: Extract<Reason, { kind: 'scheduled' } | { kind: 'manual' }>;
    }
  /** No trustworthy base: every project. */
  | { kind: 'all'; why: string };

export interface SelectionInput {
  trigger: Trigger;
  projects: readonly SelectableProject[];
  rules: SelectionRules;
  source: SelectionSource;
  base?: string;
  head?: string;
  /** Notes gathered by the caller (fallbacks, deepening), kept first. */
  notes?: readonly string[];
}

export function selectProjects(input: SelectionInput): Selection {
  checkDependencies(input.projects);
  const notes = [...(input.notes ?? [])];
  const reasons = new Map<string, Reason[]>();
  const add = (name: string, reason: Reason) => reasons.set(name, [...(reasons.get(name) ?? []), reason]);
  let deleted: string[] = [];

  const { source } = input;
  if (source.kind === 'all') {
    for (const p of input.projects) add(p.name, { kind: 'all', why: source.why });
  } else if (source.kind === 'list') {
    const known = new Set(input.projects.map((p) => p.name));
    const names = source.names === 'all' ? [...known] : source.names;
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new KilnError('SELECTION_FAILED', `unknown project(s): ${unknown.join(', ')}`, {
        hint: 'projects are the folders with a build-config.yaml',
      });
    }
    for (const name of names) add(name, source.reason);
  } else {
    deleted = fromChanges(input, source, add, notes);
  }

  // Rebuilt when a dependency is: walk dependents transitively.
  const dependents = dependentsOf(input.projects);
  const queue = [...reasons.keys()];
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const dependent of dependents.get(name) ?? []) {
      if (!reasons.has(dependent)) queue.push(dependent);
      add(dependent, { kind: 'dependency', of: name });
    }
  }

  const projects: SelectedProject[] = dependencyOrder(reasons.keys(), input.projects).map((name) => ({
    name,
    reasons: reasons.get(name)!,
  }));
  return {
    trigger: input.trigger,
    ...(input.base !== undefined ? { base: input.base } : {}),
    ...(input.head !== undefined ? { head: input.head } : {}),
    projects,
    deleted,
    notes,
  };
}

/** Applies the change rules; returns the deleted projects. */
function fromChanges(
  input: SelectionInput,
  source: Extract<SelectionSource, { kind: 'changes' }>,
  add: (name: string, reason: Reason) => void,
  notes: string[],
): string[] {
  const { projects, rules } = input;
  const ignored = compileGlobs(rules.ignore);
  const global = compileGlobs(rules.globalPaths);
  const owner = projectOwner(projects);
  const currentDirs = new Set(projects.map((p) => p.dir));
  const sameConfig = new Set(source.sameConfig ?? []);
  const watchers = projects
    .filter((p) => p.config.watch_paths.length > 0)
    .map((p) => ({ project: p, matches: compileGlobs(p.config.watch_paths) }));

  // Projects whose build-config.yaml is gone: renamed when their files moved into a current project.
  const goneDirs = new Set<string>();
  for (const c of source.changes) {
    const gone = c.status === 'D' ? c.path : c.status === 'R' ? c.from : undefined;
    const dir = gone === undefined ? undefined : configDir(gone);
    // Only a folder where a project can be was one: a nested build-config.yaml never was.
    if (dir !== undefined && !currentDirs.has(dir) && isProjectFolder(dir, rules.projectsDir))
      goneDirs.add(dir);
  }
  const renamedTo = new Map<string, SelectableProject>();
  for (const c of source.changes) {
    if (c.status !== 'R' || c.from === undefined) continue;
    const fromDir = [...goneDirs].find((d) => c.from!.startsWith(`${d}/`));
    const target = owner(c.path);
    if (fromDir && target && !renamedTo.has(fromDir)) renamedTo.set(fromDir, target);
  }
  for (const [fromDir, target] of renamedTo)
    add(target.name, { kind: 'renamed', from: nameOfDir(fromDir, rules.projectsDir) });

  const changed = new Map<string, string[]>();
  const globalFiles: string[] = [];
  let ignoredCount = 0;
  let outside = 0;
  for (const c of source.changes) {
    if (ignored(c.path) && (c.from === undefined || ignored(c.from))) {
      ignoredCount++;
      continue;
    }
    if (sameConfig.has(c.path) && c.status === 'M') {
      notes.push(`${c.path}: only comments, key order or formatting changed; not a reason to rebuild`);
      continue;
    }
    const owners = new Set<SelectableProject>();
    const target = owner(c.path);
    // A file moved out of a renamed project is covered by the `renamed` reason.
    const movedWithRename =
      c.from !== undefined &&
      target !== undefined &&
      [...renamedTo].some(([dir, p]) => p === target && c.from!.startsWith(`${dir}/`));
    if (target && !movedWithRename) owners.add(target);
    for (const w of watchers)
      if (w.matches(c.path) || (c.from !== undefined && w.matches(c.from))) owners.add(w.project);
    const isGlobal = global(c.path) || (c.from !== undefined && global(c.from));
    if (isGlobal) globalFiles.push(c.path);
    for (const p of owners) {
      const files = changed.get(p.name);
      if (files) files.push(c.path);
      else changed.set(p.name, [c.path]);
    }
    // At the root layout every path is in the projects folder: "outside" means owned by nothing.
    const prefix = projectsPrefix(rules.projectsDir);
    const insideProjects = prefix !== '' && c.path.startsWith(prefix);
    if (!target && owners.size === 0 && !isGlobal && !insideProjects) outside++;
  }
  for (const [name, files] of changed) add(name, { kind: 'changed', files });
  if (globalFiles.length > 0) for (const p of projects) add(p.name, { kind: 'global', files: globalFiles });

  const deleted = [...goneDirs]
    .filter((d) => !renamedTo.has(d))
    .map((d) => nameOfDir(d, rules.projectsDir))
    .sort();
  for (const [fromDir, target] of renamedTo) {
    notes.push(
      `project ${nameOfDir(fromDir, rules.projectsDir)} was renamed to ${target.name}: built under the new name`,
    );
  }
  if (deleted.length > 0) notes.push(`deleted project(s), not built: ${deleted.join(', ')}`);
  if (ignoredCount > 0)
    notes.push(`${ignoredCount} changed file(s) matched the ignore globs (${rules.ignore.join(', ')})`);
  if (outside > 0) notes.push(`${outside} changed file(s) outside any project or global path`);
  return deleted;
}
