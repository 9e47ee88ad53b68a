// Node 20 cannot run TypeScript itself: the benchmarks and the demo are bundled with esbuild first.
// Dependencies stay external, so the bundle must sit inside the repository to find node_modules.
import { build } from 'esbuild';

/** Bundles one TypeScript entry into an ESM file at `outfile`. */
export async function bundleTypeScript({ entry, outfile, define = {} }) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    define,
    logLevel: 'warning',
  });
}
