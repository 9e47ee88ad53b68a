// Bundles the CLI into one ESM file so `kiln` starts without resolving node_modules.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';
import { cliBuildOptions } from './build-options.mjs';

await build({
  ...cliBuildOptions(),
  outfile: 'dist/kiln.js',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/kiln.js', 0o755);
