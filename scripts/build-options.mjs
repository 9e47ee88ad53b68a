// The esbuild options of the shipped CLI bundle, shared by scripts/build.mjs and the one-file
// comparison in bench/startup.mjs (which must build the same thing, only as one file).
import { readFileSync } from 'node:fs';

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

/**
 * esbuild options for the CLI: entry, platform, target, format, minification, the version define,
 * the require() banner and plugins. Callers add the output (outdir + splitting, or outfile).
 * `version` defaults to package.json's.
 */
export function cliBuildOptions({ version } = {}) {
  const pkgVersion =
    version ?? JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  return {
    entryPoints: { kiln: new URL('../src/cli.ts', import.meta.url).pathname },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    keepNames: true,
    define: { KILN_VERSION: JSON.stringify(pkgVersion) },
    banner: {
      // Bundled CommonJS dependencies (the AWS SDK) still call require().
      js: `import { createRequire as __kilnCreateRequire } from 'node:module';\nconst require = __kilnCreateRequire(import.meta.url);`,
    },
    plugins: [zodEnglishOnly],
  };
}
