// Bundles the CLI into one ESM file so `kiln` starts without resolving node_modules.
import { chmodSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/kiln.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  define: { KILN_VERSION: JSON.stringify(pkg.version) },
  banner: {
    // Bundled CommonJS dependencies (the AWS SDK) still call require().
    js: "#!/usr/bin/env node\nimport { createRequire as __kilnCreateRequire } from 'node:module';\nconst require = __kilnCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/kiln.js', 0o755);
