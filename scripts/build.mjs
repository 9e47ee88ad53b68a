// Bundles the CLI into dist/: the entry dist/kiln.js and the chunks it imports on demand in
// dist/chunks/. No node_modules at run time. Split rather than one file because Node 20 compiles
// every byte of a module it loads: as one 1.4 MB file, `kiln --version` took 2.1x `node -e ''`;
// split, each command compiles only what it imports (the AWS SDK and gitbeaker only where used).
// Measured in bench/startup.mjs (docs/benchmarks.md, "Start-up").
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { cliBuildOptions } from './build-options.mjs';

const entry = 'dist/kiln.js';
// Old chunks have other hashes: clear them so dist/ holds exactly this build.
rmSync(entry, { force: true });
rmSync('dist/chunks', { recursive: true, force: true });
rmSync('dist/package.json', { force: true });

await build({
  ...cliBuildOptions(),
  outdir: 'dist',
  splitting: true,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// The #! line only on the entry (esbuild's banner would put it on every chunk).
writeFileSync(entry, `#!/usr/bin/env node\n${readFileSync(entry, 'utf8')}`);
chmodSync(entry, 0o755);
// dist/ copied elsewhere (the job image, a CI artifact) still says its files are ES modules, so
// Node does not have to guess (it would try CommonJS first and compile twice).
writeFileSync('dist/package.json', '{ "type": "module" }\n');
