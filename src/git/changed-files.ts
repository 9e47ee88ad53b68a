// The files that differ between two commits, with renames detected. A two-tree diff: it works for
// merges (the result of the merge is compared) and for bases that are not ancestors (force pushes).
import type { FileChange } from '../types.js';
import { type GitOptions, runGit } from './run-git.js';

export async function changedFiles(
  options: GitOptions & { base: string; head: string },
): Promise<FileChange[]> {
  const out = await runGit(
    // -z: paths verbatim (no quoting of unusual names); -M: rename detection, whatever diff.renames says.
    ['diff', '--name-status', '-z', '-M', '--no-ext-diff', '--no-textconv', options.base, options.head, '--'],
    { ...options, hint: `do both ${options.base} and ${options.head} exist in the clone?` },
  );
  return parseNameStatus(out);
}

/** Parses `git diff --name-status -z`: `M\0path\0`, `R100\0old\0new\0`. */
export function parseNameStatus(out: string): FileChange[] {
  const fields = out.split('\0');
  const changes: FileChange[] = [];
  let i = 0;
  while (i < fields.length) {
    const code = fields[i++];
    if (!code) continue;
    const status = code[0] as FileChange['status'];
    if (status === 'R' || status === 'C') {
      const from = fields[i++] ?? '';
      const path = fields[i++] ?? '';
      changes.push({ status, path, from });
    } else {
      changes.push({ status, path: fields[i++] ?? '' });
    }
  }
  return changes;
}
