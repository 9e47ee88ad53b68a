// Paths in build-config.yaml (dockerfile_path, context_path, watch_paths) are POSIX paths inside
// the build source or the repository. They may not be absolute or climb out with `..`: a context
// outside the checkout would let a project read the runner's files into an image. Symlinks can do
// the same behind text that passes: context-links.ts follows them.
import path from 'node:path';
import type { Finding } from './git-url.js';
import { unsafeTextFinding } from './unsafe-text.js';

/** undefined when `value` stays inside its root, else why not. `a/../b` is fine; `a/../../b` is not. */
export function checkRelativePath(value: string): Finding | undefined {
  const unsafe = unsafeTextFinding(value, 'write the path on one line, without control characters');
  if (unsafe) return unsafe;
  if (value.includes('\\'))
    return { message: 'must use "/" as separator', hint: `write ${value.replace(/\\/g, '/')}` };
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) {
    return {
      message: 'must be a relative path',
      hint: 'write the path relative to the build context (no leading "/" or drive letter)',
    };
  }
  if (value.startsWith('-')) return { message: 'must not start with "-"', hint: `write ./${value}` };
  const normalized = path.posix.normalize(value);
  if (normalized === '..' || normalized.startsWith('../')) {
    return {
      message: 'must not escape the build context with ".."',
      hint: 'keep the path inside the context',
    };
  }
  return undefined;
}

/** Repository-relative globs (watch_paths): the same rules, and no `..` segment anywhere. */
export function checkRelativeGlob(value: string): Finding | undefined {
  const hint = 'globs are relative to the repository root, e.g. shared/base/**';
  if (value.length === 0) return { message: 'must not be empty', hint };
  if (value.split('/').includes('..')) return { message: 'must not contain ".."', hint };
  const problem = checkRelativePath(value);
  return problem ? { ...problem, hint } : undefined;
}

/** Whether `target` is `dir` or below it: both absolute, already resolved (context-links.ts). */
export function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
