// The bundled CLI as users run it: a real process, real exit codes, stdout/stderr kept apart.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const CLI = 'dist/kiln.js';

async function kiln(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  // `npm test` builds first; a lone `vitest run` of this file builds here.
  if (!existsSync(CLI)) await run('node', ['scripts/build.mjs']);
});

describe('kiln validate (bundled CLI)', () => {
  test("this repository's own projects and rebuild list are valid (exit 0)", async () => {
    const result = await kiln('validate');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+ projects valid; \d+ projects in rebuild-weekly\.txt\n$/);
    expect(result.code).toBe(0);
  });

  test('a folder of broken configs: one line per problem on stderr, exit 1', async () => {
    const result = await kiln('validate', '--root', 'test/fixtures/configs/broken-repo');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(
      lines.slice(0, 4).every((line) => /^test\/fixtures\/configs\/broken-repo\/\S+:\d+(:\d+)?: /.test(line)),
    ).toBe(true);
    expect(lines[4]).toBe('error: 4 problems in 3 files');
  });

  test('a usage error exits 2', async () => {
    const result = await kiln('validate', '--bogus');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  test('runs through a link of any name (an install may call it anything)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kiln-link-'));
    try {
      const link = path.join(dir, 'image-builder');
      await symlink(path.resolve(CLI), link);
      const { stdout } = await run(link, ['validate']);
      expect(stdout).toMatch(/^\d+ projects valid;/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
