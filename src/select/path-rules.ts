// Which project owns a changed file, and the glob rules (ignore, global paths, watch_paths). Pure.
import picomatch from 'picomatch';
import { projectsPrefix } from '../config/projects-dir.js';
import type { SelectableProject } from '../types.js';

export type PathMatcher = (path: string) => boolean;

/**
 * Compiles repo-relative globs. A pattern without glob characters is a path or folder:
 * `shared` and `shared/` match `shared` itself and everything below it.
 */
export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const globs: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim().replace(/^\.\//, '');
    if (!pattern) continue;
    if (picomatch.scan(pattern).isGlob) globs.push(pattern);
    else {
      const folder = pattern.replace(/\/+$/, '');
      globs.push(folder, `${folder}/**`);
    }
  }
  if (globs.length === 0) return () => false;
  return picomatch(globs, { dot: true });
}

/** Finds the project whose folder contains a path: the deepest matching folder wins. */
export function projectOwner(
  projects: readonly SelectableProject[],
): (path: string) => SelectableProject | undefined {
  const byDir = new Map(projects.map((p) => [p.dir.replace(/\/+$/, ''), p]));
  return (path) => {
    let end = path.lastIndexOf('/');
    while (end > 0) {
      const owner = byDir.get(path.slice(0, end));
      if (owner) return owner;
      end = path.lastIndexOf('/', end - 1);
    }
    return undefined;
  };
}

/** `projects/old-name/build-config.yaml` → `projects/old-name`, when the path is a project's config file. */
export function configDir(path: string, configFile = 'build-config.yaml'): string | undefined {
  return path.endsWith(`/${configFile}`) ? path.slice(0, -configFile.length - 1) : undefined;
}

/** The project name a folder had: its path below the projects folder. */
export function nameOfDir(dir: string, projectsDir: string): string {
  const prefix = projectsPrefix(projectsDir);
  return dir.startsWith(prefix) ? dir.slice(prefix.length) : dir;
}

/** Whether `dir` is a folder directly in the projects folder, where a project can be. */
export function isProjectFolder(dir: string, projectsDir: string): boolean {
  const prefix = projectsPrefix(projectsDir);
  return dir.startsWith(prefix) && dir.length > prefix.length && !dir.slice(prefix.length).includes('/');
}
