#!/usr/bin/env node
// Runs a TypeScript benchmark (bundled on the fly with esbuild; node 20 cannot run .ts itself).
// Usage: node bench/run-ts.mjs bench/<name>-bench.ts [benchmark options…]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const entry = process.argv[2];
if (!entry?.endsWith('.ts')) {
  console.error('usage: node bench/run-ts.mjs bench/<name>-bench.ts [options]');
  process.exit(2);
}
// Inside the repository so the bundle's external imports resolve to node_modules.
const cache = new URL('../node_modules/.cache/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(path.join(cache, 'kiln-bench-'));
const outfile = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  define: { KILN_BENCH_ROOT: JSON.stringify(new URL('..', import.meta.url).pathname) },
  logLevel: 'warning',
});
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
