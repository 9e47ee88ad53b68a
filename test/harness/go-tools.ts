// The Go tools consumers run (cosign, syft), built with `go install <module>@<version>` from the
// Go module proxy at the versions pinned in scripts/go-tools.json, into
// ~/.cache/kiln-test/go-bin/<tool>-<version>/ (outside node_modules, which `npm ci` empties).
// .ci/run installs them before the tests; a test that finds one missing installs it now through
// the same script, or fails naming what is missing. Nothing passes without its tool.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './component-template.js';

export type GoTool = 'cosign' | 'syft';

/** Each tool's module and pinned version. */
export const GO_TOOLS = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'scripts/go-tools.json'), 'utf8'),
) as Record<GoTool, { module: string; version: string }>;

/** The absolute path of `tool`, installing it first when it is not there yet. */
export function goTool(tool: GoTool): string {
  const { module, version } = GO_TOOLS[tool];
  const bin = path.join(os.homedir(), '.cache', 'kiln-test', 'go-bin', `${tool}-${version}`, tool);
  if (existsSync(bin)) return bin;
  try {
    execFileSync('node', ['scripts/go-tools.mjs', tool], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(
      `cannot go install ${module}@${version} (is Go on PATH?): ${stderr.slice(-2000) || String(error)}`,
    );
  }
  if (!existsSync(bin)) throw new Error(`go install ${module}@${version} left no ${bin}`);
  return bin;
}
