import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';
import type { Context } from '../../src/context.js';
import { createMemoryLogger } from '../../src/log.js';

function context(): Context & { log: ReturnType<typeof createMemoryLogger> } {
  return { cwd: process.cwd(), env: {}, now: new Date('2026-11-23T10:00:00Z'), log: createMemoryLogger() };
}

describe('cli entry', () => {
  test('--help lists every command and exits 0', async () => {
    const ctx = context();
    expect(await main(['--help'], ctx)).toBe(0);
    const out = ctx.log.stdout.join('');
    for (const name of ['validate', 'plan', 'prepare', 'manifest', 'tags', 'schedule', 'schema']) {
      expect(out).toContain(name);
    }
  });

  test('no command is a usage error (exit 2)', async () => {
    expect(await main([], context())).toBe(2);
  });

  test('unknown command is a usage error on stderr (exit 2)', async () => {
    const ctx = context();
    expect(await main(['bogus'], ctx)).toBe(2);
    expect(ctx.log.stderr.join('')).toContain('unknown command "bogus"');
  });

  test('--version prints a version', async () => {
    const ctx = context();
    expect(await main(['--version'], ctx)).toBe(0);
    expect(ctx.log.stdout.join('')).toMatch(/\d+\.\d+\.\d+/);
  });

  test('an unknown flag of a command is a usage error (exit 2)', async () => {
    const ctx = context();
    expect(await main(['validate', '--no-such-flag'], ctx)).toBe(2);
  });
});
