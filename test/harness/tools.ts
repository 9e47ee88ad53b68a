// Tests (and the demo) that need a system tool get it here: present, or installed now (CI runs as
// root), or the test fails with the reason. Nothing passes silently without its tool.
import { execFileSync } from 'node:child_process';

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let listsUpdated = false;

function aptInstall(pkg: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      stdio: 'inherit',
      env,
    });
  try {
    install();
  } catch (error) {
    // A fresh machine has no package lists yet: update them once, then try again.
    if (listsUpdated) throw error;
    listsUpdated = true;
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    install();
  }
}

/** Tools already found on PATH in this process: asked for again, they need no `sh`. */
const found = new Set<string>();

/** Ensures `bin` is available, installing Debian package `pkg` when running as root. Throws otherwise. */
export function requireTool(bin: string, pkg: string): void {
  if (found.has(bin)) return;
  if (onPath(bin)) {
    found.add(bin);
    return;
  }
  if (process.getuid?.() === 0) {
    aptInstall(pkg);
    if (onPath(bin)) {
      found.add(bin);
      return;
    }
  }
  throw new Error(`this test needs "${bin}" (Debian package ${pkg}); run .ci/run or apt-get install ${pkg}`);
}
