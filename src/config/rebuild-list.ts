// rebuild-weekly.txt: the projects a scheduled pipeline rebuilds, one name a line. `#` starts a
// comment (whole line or trailing), blank lines and surrounding spaces are ignored.
import type { Problem } from '../errors.js';
import { suggestion } from './did-you-mean.js';

export interface RebuildList {
  /** In file order, each once. */
  names: string[];
  problems: Problem[];
}

export function parseRebuildList(text: string, file: string, projectNames: readonly string[]): RebuildList {
  const known = new Set(projectNames);
  const names: string[] = [];
  const problems: Problem[] = [];
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const content = rawLine.split('#', 1)[0] ?? '';
    const name = content.trim();
    if (name === '') continue;
    const line = index + 1;
    const col = content.indexOf(name) + 1;
    if (!known.has(name)) {
      problems.push({
        file,
        line,
        col,
        message: `"${name}" is not a project`,
        hint: suggestion(name, projectNames, 'write one project folder name per line'),
      });
    } else if (!names.includes(name)) {
      names.push(name);
    }
  }
  return { names, problems };
}
