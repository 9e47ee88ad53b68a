#!/usr/bin/env node
// Runs a TypeScript benchmark: bundles it (scripts/bundle-ts.mjs) into node_modules/.cache and imports it.
// Usage: node bench/run-ts.mjs bench/<name>-bench.ts [benchmark options…]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleTypeScript } from '../scripts/bundle-ts.mjs';

const entry = process.argv[2];
if (!entry?.endsWith('.ts')) {
  console.error('usage: node bench/run-ts.mjs bench/<name>-bench.ts [options]');
  process.exit(2);
}
const cache = new URL('../node_modules/.cache/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(path.join(cache, 'kiln-bench-'));
const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
// The bundle runs from a temp folder: tell it where the repository is.
await bundleTypeScript({
  entry: path.resolve(entry),
  outfile,
  define: { KILN_BENCH_ROOT: JSON.stringify(new URL('..', import.meta.url).pathname) },
});
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
