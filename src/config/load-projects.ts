// Loads every projects/<name>/build-config.yaml under a repository root. With context-links.ts
// the only fs in src/config: it lists folders, reads texts and hands them to the pure parser, then
// follows the symlinks of local contexts.
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KilnError, type Problem } from '../errors.js';
import type { Project } from '../types.js';
import { BUILD_CONFIG_FILE } from './build-config-schema.js';
import { contextLinkProblems, type EscapingLink } from './context-links.js';
import { didYouMean } from './did-you-mean.js';
import { oversizeProblem, parseBuildConfig } from './parse-build-config.js';
import { folderFilter, isRootLayout, projectDir, projectsPrefix } from './projects-dir.js';

export interface LoadProjectsOptions {
  /** Repository root (absolute, or relative to the process's cwd). */
  root: string;
  /** Projects folder, relative to root (settings.projectsDir). */
  projectsDir: string;
  repositoryMode?: 'single' | 'per-project';
  /** Globs over folder names that are never projects (settings.exclude). */
  exclude?: readonly string[];
}

export interface LoadedProjects {
  /** Valid projects, sorted by name. */
  projects: Project[];
  /** Every project folder with a build-config.yaml, valid or not, sorted. */
  names: string[];
  problems: Problem[];
}

/** Repository-relative POSIX path (problems and Project paths never depend on the OS or cwd). */
function repoPath(...parts: string[]): string {
  return path.posix.normalize(parts.join('/').split(path.sep).join('/'));
}

export async function loadProjects(options: LoadProjectsOptions): Promise<LoadedProjects> {
  const projectsRel = projectsPrefix(options.projectsDir).replace(/\/$/, '') || '.';
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(options.root, options.projectsDir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'the projects folder does not exist' : `cannot read the projects folder (${code})`;
    return {
      projects: [],
      names: [],
      problems: [{ file: projectsRel, message, hint: 'check --root and --projects-dir (KILN_PROJECTS_DIR)' }],
    };
  }

  // Hidden folders (.git, .cache) and excluded ones are not projects.
  const isCandidate = folderFilter(options.exclude ?? []);
  const candidates = entries.filter((e) => e.isDirectory() && isCandidate(e.name)).map((e) => e.name);
  const read = await Promise.all(
    candidates.map((name) => readProjectFile(options.root, options.projectsDir, name)),
  );
  // At the repository root most folders are not projects (docs/, hack/): one without a
  // build-config.yaml is skipped, unless a file beside it looks like a misspelt one. Under a
  // projects folder every folder is meant to be a project, so a missing file is an error.
  const root = isRootLayout(options.projectsDir);
  const kept = candidates
    .map((name, i) => ({ name, file: read[i]! }))
    .filter(({ file }) => !(root && 'problem' in file && !file.isProject && !file.reportAtRoot));
  const folders = kept.map((k) => k.name);
  const files = kept.map((k) => k.file);
  const names = folders.filter((_, i) => files[i]?.isProject).sort();

  const projects: Project[] = [];
  const problems: Problem[] = [];
  const scans = new Map<string, EscapingLink[]>();
  for (const [i, name] of folders.entries()) {
    const read = files[i]!;
    const dir = projectDir(options.projectsDir, name);
    const file = repoPath(dir, BUILD_CONFIG_FILE);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const result = parseBuildConfig(read.text, file, name, {
      projectNames: names,
      ...(options.repositoryMode ? { repositoryMode: options.repositoryMode } : {}),
    });
    problems.push(...result.problems);
    if (!result.config) continue;
    const project = { name, dir, file, config: result.config };
    const linkProblems = contextLinkProblems(options.root, project, scans);
    problems.push(...linkProblems);
    if (linkProblems.length === 0) projects.push(project);
  }
  projects.sort((a, b) => a.name.localeCompare(b.name));
  problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  return { projects, names, problems };
}

/**
 * The folder's build-config.yaml, or the problem that stops kiln reading it. A folder with a file
 * too big to read is still a project (depends_on may name it); one without a file is not.
 */
async function readProjectFile(
  root: string,
  projectsDir: string,
  name: string,
): Promise<
  { text: string; isProject: true } | { problem: Problem; isProject: boolean; reportAtRoot?: boolean }
> {
  const folder = path.join(root, projectsDir, name);
  const dir = projectDir(projectsDir, name);
  const file = path.join(folder, BUILD_CONFIG_FILE);
  try {
    // The size first: a file too big to parse is never read into memory.
    const oversize = oversizeProblem(repoPath(dir, BUILD_CONFIG_FILE), (await stat(file)).size);
    if (oversize) return { problem: oversize, isProject: true };
    return { text: await readFile(file, 'utf8'), isProject: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      return {
        problem: { file: dir, message: `cannot read ${BUILD_CONFIG_FILE} (${code})` },
        isProject: false,
        reportAtRoot: true,
      };
    const siblings = await readdir(folder).catch(() => [] as string[]);
    const near = didYouMean(BUILD_CONFIG_FILE, siblings);
    return {
      // At the root a folder without the file is not a project, unless a near name says it was meant to be.
      reportAtRoot: near !== undefined,
      problem: {
        file: dir,
        message: `no ${BUILD_CONFIG_FILE} in this project folder`,
        hint: near
          ? `rename ${near} to ${BUILD_CONFIG_FILE}`
          : `add ${BUILD_CONFIG_FILE}, or move the folder out of ${projectsDir}`,
      },
      isProject: false,
    };
  }
}

/** loadProjects, throwing one CONFIG_INVALID error that lists every problem. */
export async function loadProjectsOrThrow(options: LoadProjectsOptions): Promise<Project[]> {
  const { projects, problems } = await loadProjects(options);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new KilnError('CONFIG_INVALID', `invalid project configuration: ${count}`, {
      problems,
      hint: 'run kiln validate for the same list',
    });
  }
  return projects;
}
