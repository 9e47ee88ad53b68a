// Every benchmark rewrites its own section of docs/benchmarks.md and leaves the others untouched.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Replaces the section starting with `heading` (up to the next `## `), or appends it. Bundled
 * TypeScript benchmarks run from a temp folder and pass the repository root (KILN_BENCH_ROOT).
 */
export function writeBenchmarkSection(heading, section, root = REPO_ROOT) {
  const doc = path.join(root, 'docs', 'benchmarks.md');
  const text = readFileSync(doc, 'utf8');
  const body = `${section.trimEnd()}\n`;
  const start = text.indexOf(heading);
  let updated;
  if (start < 0) updated = `${text.trimEnd()}\n\n${body}`;
  else {
    const next = text.indexOf('\n## ', start + heading.length);
    updated = text.slice(0, start) + body + (next < 0 ? '' : `\n${text.slice(next + 1)}`);
  }
  writeFileSync(doc, updated);
}

/** The median of `values` (the upper middle one for an even count), without sorting `values` itself. */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The number after `name` on the command line (`--rounds 5`), or `fallback`. */
export function numberArg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
