// Bundles the CLI into one ESM file so `kiln` starts without resolving node_modules.
import { chmodSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

// zod re-exports every translation of its messages (~260 KB, 15% of the bundle, all compiled at
// start-up). kiln writes its own messages and only ever uses zod's English default, so the
// translations module resolves to English alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('node_modules/zod/')
        ? { path: 'zod-locales', namespace: 'kiln-stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kiln-stub' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

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
  plugins: [zodEnglishOnly],
  logLevel: 'warning',
});
chmodSync('dist/kiln.js', 0o755);
