// Where the projects are: one folder per project under `projects_dir`. `projects` (the default) and
// the root layout of kiln's predecessor (`projects_dir: .`, `kaniko/build-config.yaml` at the top)
// are both first-class. Every repository path of a project is built here, so `./kaniko` never
// appears where git says `kaniko`. Pure.
import path from 'node:path';
import picomatch from 'picomatch';

/** `.`, `./` and `` mean the repository root. */
export function isRootLayout(projectsDir: string): boolean {
  return normalized(projectsDir) === '';
}

function normalized(projectsDir: string): string {
  const posix = path.posix.normalize(projectsDir.split(path.sep).join('/')).replace(/\/+$/, '');
  return posix === '.' ? '' : posix.replace(/^\.\//, '');
}

/** What every project folder's repository path starts with: `` at the root, else `projects/`. */
export function projectsPrefix(projectsDir: string): string {
  const dir = normalized(projectsDir);
  return dir === '' ? '' : `${dir}/`;
}

/** The repository path of a project's folder: `projects/kaniko`, or `kaniko` at the root. */
export function projectDir(projectsDir: string, name: string): string {
  return `${projectsPrefix(projectsDir)}${name}`;
}

/**
 * Which folders of the projects folder are never projects: hidden ones (`.git`, `.gitlab`), and
 * those matching an `exclude` glob (matched against the folder's name, in either layout).
 */
export function folderFilter(exclude: readonly string[]): (name: string) => boolean {
  const excluded = exclude.length > 0 ? picomatch([...exclude], { dot: true }) : () => false;
  return (name) => !name.startsWith('.') && !excluded(name);
}
