// KILN_PROJECTS / --projects: `all` or names. An unknown name is an error with a did-you-mean. Pure.
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
    const hints = unknown.map((n) => {
      const close = closest(n, known);
      return close ? `"${n}": did you mean "${close}"?` : `"${n}": no such project`;
    });
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

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
