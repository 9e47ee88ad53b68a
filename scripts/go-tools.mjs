// Installs the Go tools the tests run (scripts/go-tools.json: module and pinned version each) with
// `go install` from the Go module proxy, into ~/.cache/kiln-test/go-bin/<tool>-<version>/, where
// test/harness/go-tools.ts looks. A tool already there is kept: Go's build cache and this folder
// are what make a second CI run on the same machine cheap. Run by .ci/run before the tests, and by
// the harness for one tool (`node scripts/go-tools.mjs cosign`) when a test finds it missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tools = JSON.parse(readFileSync(new URL('./go-tools.json', import.meta.url), 'utf8'));
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!tools[name])
    throw new Error(`unknown Go tool ${name}; scripts/go-tools.json has ${Object.keys(tools).join(', ')}`);
}
for (const [tool, { module, version }] of Object.entries(tools)) {
  if (wanted.length > 0 && !wanted.includes(tool)) continue;
  const dir = path.join(os.homedir(), '.cache', 'kiln-test', 'go-bin', `${tool}-${version}`);
  if (existsSync(path.join(dir, tool))) {
    console.log(`${tool} ${version}: already installed in ${dir}`);
    continue;
  }
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  execFileSync('go', ['install', '-trimpath', `${module}@${version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
  console.log(`${tool} ${version}: installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
