// Builds a Go program from test/fixtures/<name> (its go.mod and go.sum pin every module, fetched
// from the Go module proxy) into node_modules/.cache/kiln-go, once per test process; Go's build
// cache makes a rebuild cheap. Go itself is on the machine (Debian's golang is older than the
// modules need); a test that needs it fails, naming it, when it is not.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = new Map<string, string>();

/** The path of the built binary of test/fixtures/<name>. */
export function buildGoFixture(name: string): string {
  const done = built.get(name);
  if (done) return done;
  const out = path.join(REPO, 'node_modules', '.cache', 'kiln-go', name);
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    execFileSync('go', ['build', '-mod=readonly', '-o', out, '.'], {
      cwd: path.join(REPO, 'test', 'fixtures', name),
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CGO_ENABLED: '0' },
      timeout: 600_000,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(
      `cannot build test/fixtures/${name} with go (is Go 1.24+ on PATH?): ${stderr || String(error)}`,
    );
  }
  built.set(name, out);
  return out;
}
