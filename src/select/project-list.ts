// KILN_PROJECTS / --projects: `all` or names. An unknown name is an error with a did-you-mean. Pure.
import { suggestion } from '../config/did-you-mean.js';
import { KilnError } from '../errors.js';

/** Parses `all` or a comma/space/newline separated list; throws naming `field` on unknown names. */
export function parseProjectList(value: string, known: readonly string[], field: string): string[] | 'all' {
  const names = value
    .split(/[\s,]+/)
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0]!.toLowerCase() === 'all') return 'all';
  if (names.length === 0) {
    throw new KilnError('USAGE', `${field} is empty`, { hint: `set ${field} to "all" or project names` });
  }
  const knownSet = new Set(known);
  const unknown = names.filter((n) => !knownSet.has(n));
  if (unknown.length > 0) {
    const hints = unknown.map((n) => `"${n}": ${suggestion(n, known, 'no such project')}`);
    throw new KilnError(
      'SELECTION_FAILED',
      `${field}: unknown project${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}`,
      {
        where: { field },
        hint: `${hints.join('; ')} (projects are the folders with a build-config.yaml)`,
      },
    );
  }
  return [...new Set(names)];
}
