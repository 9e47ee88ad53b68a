#!/usr/bin/env node
// Runs bench/plan-render-bench.ts (bundled on the fly with esbuild: the harness is TypeScript).
// Usage: node bench/plan-render.mjs [--projects N] [--rounds N]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// Inside the repository so the bundle's external imports resolve to node_modules.
const cache = new URL('../node_modules/.cache/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(path.join(cache, 'kiln-bench-'));
const outfile = path.join(dir, 'plan-render-bench.mjs');
await build({
  entryPoints: [new URL('./plan-render-bench.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  // The bundle runs from a temp folder: tell it where the repository is.
  define: { KILN_BENCH_ROOT: JSON.stringify(new URL('..', import.meta.url).pathname) },
  logLevel: 'warning',
});
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
