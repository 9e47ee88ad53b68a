// Tests that need a system tool get it here: present, or installed now (CI runs as root), or the
// test fails with the reason. Nothing passes silently without its tool.
import { execFileSync } from 'node:child_process';

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Ensures `bin` is available, installing Debian package `pkg` when running as root. Throws otherwise. */
export function requireTool(bin: string, pkg: string): void {
  if (onPath(bin)) return;
  if (process.getuid?.() === 0) {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (onPath(bin)) return;
  }
  throw new Error(`this test needs "${bin}" (Debian package ${pkg}); run .ci/run or apt-get install ${pkg}`);
}
