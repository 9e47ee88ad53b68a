// "Did you mean …?" for unknown keys, platforms and project names: the closest candidate by edit
// distance (optimal string alignment, so a swapped pair of letters counts as one edit).

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate the user most likely meant, or undefined when nothing is close. Close means a few
 * edits (a third of the word, at least 2), or one contains the other (`dockerfile` → `dockerfile_path`).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const needle = word.toLowerCase();
  if (needle.length === 0) return undefined;
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    const distance = editDistance(needle, hay);
    const contains = needle.length >= 3 && (hay.includes(needle) || needle.includes(hay));
    // Containment ranks after real near-misses, shorter leftovers first.
    const score =
      distance <= limit ? distance : contains ? limit + Math.abs(hay.length - needle.length) : Infinity;
    if (score < (best?.score ?? Infinity)) best = { candidate, score };
  }
  return best?.candidate;
}

/** `did you mean "x"?` or `fallback` — the hint text for an unknown name. */
export function suggestion(word: string, candidates: readonly string[], fallback: string): string {
  const match = didYouMean(word, candidates);
  return match === undefined ? fallback : `did you mean "${match}"?`;
}
