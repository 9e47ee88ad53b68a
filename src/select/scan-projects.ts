// Reads the projects folder for selection without parsing every build-config.yaml: selection needs
// only depends_on and watch_paths, read from the configs that mention them, by the quick line
// reader where it answers and by the full parser otherwise; the selected projects are then parsed
// in full by readProjects. With 1,000 projects this is what keeps `kiln plan` near the cost of
// `git diff` (docs/benchmarks.md, "Selection").
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { dependsOnFindings } from '../config/build-config-rules.js';
import { BUILD_CONFIG_FILE, PROJECT_NAME } from '../config/build-config-schema.js';
import { contextLinkProblems } from '../config/context-links.js';
import {
  MAX_BUILD_CONFIG_BYTES,
  oversizeProblem,
  type ParseResult,
  parseBuildConfig,
} from '../config/parse-build-config.js';
import { folderFilter, projectDir, projectsPrefix } from '../config/projects-dir.js';
import { readSelectionKeys, type SelectionKeys } from '../config/read-selection-keys.js';
import { checkRelativeGlob } from '../config/relative-path.js';
import { type Problem, throwIfProblems } from '../errors.js';
import type { Project, SelectableProject } from '../types.js';

export interface ScanOptions {
  root: string;
  projectsDir: string;
  repositoryMode?: 'single' | 'per-project';
  /** Globs over folder names that are never projects (settings.exclude). */
  exclude?: readonly string[];
}

interface Found {
  name: string;
  dir: string;
  file: string;
  /** The file's text when it mentions depends_on or watch_paths; empty otherwise. */
  text: string;
  /** Whether it mentions them, so selection must read them. */
  relevant: boolean;
  /** Set (and text empty) when the file is too big to read. */
  problem?: Problem;
}

/** Room for the largest config kiln reads, and one byte to see a larger one. */
const buffer = Buffer.alloc(MAX_BUILD_CONFIG_BYTES + 1);
const KEYS = [Buffer.from('depends_on'), Buffer.from('watch_paths')];

/**
 * Reads a config into the shared buffer: one open and one read, no stat (5,000 projects are
 * 5,000 files), never more than the size cap. Selection decodes only the configs that mention its
 * keys (`decode: 'if-relevant'`); what is built is decoded always. Throws when the file cannot be
 * opened or read.
 */
function readConfig(
  file: string,
  absolute: string,
  decode: 'always' | 'if-relevant' = 'if-relevant',
): Pick<Found, 'text' | 'relevant' | 'problem'> {
  const fd = openSync(absolute, 'r');
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
      if (n === 0 || length === buffer.length) break;
    }
    if (length > MAX_BUILD_CONFIG_BYTES) {
      // At least what was read: a device or a file that shrank since reports less than that.
      const size = Math.max(fstatSync(fd).size, length);
      return { text: '', relevant: false, problem: oversizeProblem(file, size) as Problem };
    }
    const bytes = buffer.subarray(0, length);
    const relevant = KEYS.some((key) => bytes.includes(key));
    return { text: relevant || decode === 'always' ? bytes.toString('utf8') : '', relevant };
  } finally {
    closeSync(fd);
  }
}

/** Folders with a build-config.yaml, sorted by name (others are reported by `kiln validate`). */
function findProjects(options: ScanOptions): Found[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(path.join(options.root, options.projectsDir), { withFileTypes: true });
  } catch (error) {
    throwIfProblems('CONFIG_INVALID', 'cannot read the projects folder', [
      {
        file: projectsPrefix(options.projectsDir) || '.',
        message: (error as Error).message,
        hint: 'check --root and the projects_dir setting',
      },
    ]);
    return [];
  }
  const found: Found[] = [];
  const isCandidate = folderFilter(options.exclude ?? []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !isCandidate(entry.name)) continue;
    const dir = projectDir(options.projectsDir, entry.name);
    const file = `${dir}/${BUILD_CONFIG_FILE}`;
    try {
      found.push({ name: entry.name, dir, file, ...readConfig(file, path.join(options.root, file)) });
    } catch {
      // No build-config.yaml: not a project.
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function parse(
  found: Pick<Found, 'name' | 'file' | 'text'>,
  names: readonly string[],
  options: ScanOptions,
): ParseResult {
  return parseBuildConfig(found.text, found.file, found.name, {
    projectNames: names,
    ...(options.repositoryMode ? { repositoryMode: options.repositoryMode } : {}),
  });
}

/**
 * Every project, with depends_on and watch_paths. Throws CONFIG_INVALID, with every problem the
 * full parser finds in that file, when a config that mentions them cannot be read or breaks their
 * rules. Other keys are checked where the project is built (readProjects) and by kiln validate.
 */
export function scanProjects(options: ScanOptions): SelectableProject[] {
  const found = findProjects(options);
  const names = found.map((f) => f.name);
  const problems: Problem[] = [];
  const projects = found.map((f) => {
    if (f.problem) problems.push(f.problem);
    // Without either key both default to [] (parse-build-config.ts), so the file need not be parsed.
    return {
      name: f.name,
      dir: f.dir,
      file: f.file,
      config: f.relevant ? selectionKeys(f, names, options, problems) : { depends_on: [], watch_paths: [] },
    };
  });
  throwIfProblems('CONFIG_INVALID', 'invalid project configuration', problems);
  return projects;
}

/**
 * The quick reader's answer when it gives one that passes the keys' rules; otherwise the full
 * parser's, whose problems count here only where they stop selection reading the two keys (the
 * file cannot be read, or a problem in one of them): the quick path checks no other key either.
 */
function selectionKeys(
  found: Found,
  names: readonly string[],
  options: ScanOptions,
  problems: Problem[],
): SelectionKeys {
  const quick = readSelectionKeys(found.text);
  if (quick && keysPassRules(quick, found.name, names)) return quick;
  const full = parse(found, names, options);
  if (full.config) return { depends_on: full.config.depends_on, watch_paths: full.config.watch_paths };
  // Without a map (a YAML error, not a map) nothing can be read; with one, only problems on these
  // two keys stop selection reading them.
  const onKeys = (p: Problem) => /^(depends_on|watch_paths)\b/.test(p.field ?? '');
  const blocking = full.data ? full.problems.filter(onKeys) : full.problems;
  problems.push(...blocking);
  if (!full.data || blocking.length > 0) return { depends_on: [], watch_paths: [] };
  const keys = full.data as { depends_on?: string[] | null; watch_paths?: string[] | null };
  return { depends_on: keys.depends_on ?? [], watch_paths: keys.watch_paths ?? [] };
}

/** The rules parseBuildConfig applies to these two keys: each item's form, then depends_on as a list. */
function keysPassRules(keys: SelectionKeys, project: string, names: readonly string[]): boolean {
  return (
    keys.depends_on.every((name) => PROJECT_NAME.test(name)) &&
    dependsOnFindings(keys.depends_on, project, names).length === 0 &&
    keys.watch_paths.every((glob) => checkRelativeGlob(glob) === undefined)
  );
}

/**
 * The named projects, parsed in full (in the order given); throws CONFIG_INVALID listing every
 * problem. `allNames` (every project, for depends_on checks) defaults to the projects folder's.
 */
export function readProjects(
  options: ScanOptions & { names: readonly string[]; allNames?: readonly string[] },
): Project[] {
  const all = options.allNames ?? findProjects(options).map((f) => f.name);
  const problems: Problem[] = [];
  const projects: Project[] = [];
  for (const name of options.names) {
    const dir = projectDir(options.projectsDir, name);
    const file = `${dir}/${BUILD_CONFIG_FILE}`;
    let read: ReturnType<typeof readConfig>;
    try {
      read = readConfig(file, path.join(options.root, file), 'always');
    } catch (error) {
      problems.push({ file, message: `cannot read ${BUILD_CONFIG_FILE}: ${(error as Error).message}` });
      continue;
    }
    if (read.problem) {
      problems.push(read.problem);
      continue;
    }
    const parsed = parse({ name, file, text: read.text }, all, options);
    problems.push(...parsed.problems);
    if (!parsed.config) continue;
    const project = { name, dir, file, config: parsed.config };
    // What is built is checked for symlinks leading out of its context, as kiln validate does.
    const links = contextLinkProblems(options.root, project);
    problems.push(...links);
    if (links.length === 0) projects.push(project);
  }
  throwIfProblems('CONFIG_INVALID', 'invalid project configuration', problems);
  return projects;
}
