// arm64 RUN steps on an amd64 host go through qemu-user-static: the kernel hands aarch64 ELF
// binaries to qemu-aarch64 once binfmt_misc has a handler registered. This registers it (as root);
// the arm64 build test then proves it works by running an aarch64 binary (`uname -m`).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { requireTool } from './tools.js';

const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
const HANDLER = `${BINFMT_DIR}/qemu-aarch64`;
const QEMU = '/usr/bin/qemu-aarch64-static';

// The ELF header of an aarch64 executable (e_machine 0xb7), as qemu's own qemu-binfmt-conf.sh has it.
// Flag F: the kernel opens the interpreter now, so it works inside buildah's chroot too.
const REGISTER_LINE =
  ':qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00' +
  ':\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff' +
  `:${QEMU}:F`;

function enabled(): boolean {
  return existsSync(HANDLER) && readFileSync(HANDLER, 'utf8').startsWith('enabled');
}

function asRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `arm64 builds need binfmt_misc for qemu-aarch64 (${what}); run the tests as root (.ci/run does)`,
    );
  }
}

/** Makes aarch64 binaries runnable here; throws with the reason when that is impossible. */
export function ensureArm64Emulation(): void {
  requireTool('qemu-aarch64-static', 'qemu-user-static');
  if (enabled()) return;
  asRoot('no qemu-aarch64 handler registered');
  if (!existsSync(`${BINFMT_DIR}/register`)) {
    execFileSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT_DIR], { stdio: 'inherit' });
  }
  try {
    // Debian's binfmt-support knows the package's own handler (with the F flag).
    execFileSync('update-binfmts', ['--enable', 'qemu-aarch64'], { stdio: 'ignore' });
  } catch {
    // binfmt-support missing or not configured: register by hand.
  }
  if (!enabled()) {
    if (existsSync(HANDLER)) writeFileSync(HANDLER, '1');
    else writeFileSync(`${BINFMT_DIR}/register`, REGISTER_LINE);
  }
  if (!enabled()) throw new Error(`could not enable ${HANDLER}`);
}
