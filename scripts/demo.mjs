// `npm run demo` (after `npm run build`): bundles scripts/demo-pipeline.ts with esbuild (Node 20 has
// no TypeScript stripping) and runs it. The bundle goes to dist/demo/, two folders below the
// repository root like test/harness/, so the harness finds the repository (templates/, examples/,
// dist/kiln.js) from its own location. `--verbose` streams gitlab-ci-local's whole output;
// `--picture FILE` draws the run's pipeline as SVG; `--signing key` signs every image with a fresh
// cosign key and verifies each one with stock cosign.
import { fileURLToPath } from 'node:url';
import { bundleTypeScript } from './bundle-ts.mjs';

const outfile = fileURLToPath(new URL('../dist/demo/demo-pipeline.mjs', import.meta.url));
await bundleTypeScript({ entry: fileURLToPath(new URL('./demo-pipeline.ts', import.meta.url)), outfile });
const { runDemo } = await import(new URL('../dist/demo/demo-pipeline.mjs', import.meta.url).href);
const at = process.argv.indexOf('--picture');
const picture = at > 0 ? process.argv[at + 1] : undefined;
const signingAt = process.argv.indexOf('--signing');
const signing = signingAt > 0 ? process.argv[signingAt + 1] : undefined;
if (signing !== undefined && signing !== 'key') {
  console.error(
    `kiln demo: --signing takes key (keyless needs a GitLab ID token and Fulcio), not ${signing}`,
  );
  process.exit(2);
}
process.exitCode = await runDemo({
  verbose: process.argv.includes('--verbose'),
  ...(picture ? { picture } : {}),
  ...(signing ? { signing } : {}),
});
