// Hostile or broken build-configs through the bundled CLI, as a merge request could bring them:
// each ends quickly in a located problem (exit 1) or a valid result, never in a hang, a stack trace
// or "internal error". The time bounds are generous: a hang is the bug they catch.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_BUILD_CONFIG_BYTES } from '../../../src/config/parse-build-config.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/kiln.js');
const CORPUS = path.resolve('test/fixtures/configs/corpus');
const BOUND_MS = 30_000;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

async function kiln(cwd: string, ...args: string[]): Promise<Result> {
  const start = performance.now();
  const env = { ...process.env, NO_COLOR: '1', KILN_REGISTRY: 'registry.example.com/images' };
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], {
      cwd,
      env,
      timeout: BOUND_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, ms: performance.now() - start };
  } catch (error) {
    const e = error as { code: number | null; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: performance.now() - start };
  }
}

/** Exit 1 in time, with `line` among the problems and no trace of a crash. */
function expectRefused(result: Result, line: string) {
  expect(result.ms).toBeLessThan(BOUND_MS);
  expect(result.stderr).not.toMatch(/internal error|RangeError|^\s+at /m);
  expect(result.stderr.split('\n')).toContain(line);
  expect(result.code).toBe(1);
}

let base: string;
beforeAll(async () => {
  if (!existsSync(CLI)) await run('node', ['scripts/build.mjs']);
  base = await mkdtemp(path.join(os.tmpdir(), 'kiln-hostile-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** A repository with these projects (name → build-config.yaml text), committed so plan can run. */
async function monorepo(name: string, projects: Record<string, string>): Promise<string> {
  const root = path.join(base, name);
  await Promise.all(
    Object.entries(projects).map(async ([project, text]) => {
      await mkdir(path.join(root, 'projects', project), { recursive: true });
      await writeFile(path.join(root, 'projects', project, 'build-config.yaml'), text);
    }),
  );
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=kiln test', '-c', 'user.email=kiln@example.invalid', ...args], {
      cwd: root,
    });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'projects');
  return root;
}

const corpus = (name: string) => readFile(path.join(CORPUS, `${name}.yaml`), 'utf8');
const LOCAL = 'use_local_context: true\nplatforms: [linux/amd64]\n';
const name = (i: number) => `p${String(i).padStart(5, '0')}`;
/** p00000 → p00001 → … → p<n-1>: each depends on the next, so the walk goes all the way down. */
function chain(length: number, closed = false): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length }, (_, i) => {
      const next = i < length - 1 ? name(i + 1) : closed ? name(0) : undefined;
      return [name(i), next ? `${LOCAL}depends_on: [${next}]\n` : LOCAL];
    }),
  );
}

describe('kiln validate and plan on hostile configs (bundled CLI)', () => {
  test.each(['validate', 'plan'])(
    'an alias bomb of 476 bytes: %s refuses it at the alias',
    async (command) => {
      const root = await monorepo(`bomb-${command}`, { app: await corpus('yaml-alias-bomb') });
      const args = command === 'plan' ? ['plan', '--projects', 'all', '--trigger', 'manual'] : ['validate'];
      const result = await kiln(root, ...args);
      expectRefused(
        result,
        `${command === 'plan' ? '  ' : ''}projects/app/build-config.yaml:4:50: x2[8]: YAML: aliases expand to more than 1000 values; *a1 passes the limit (hint: each *alias copies the whole value of its &anchor: write the values out instead)`,
      );
    },
  );

  test('a recursive alias: a located, explained problem', async () => {
    const root = await monorepo('recursive', { app: await corpus('yaml-alias-recursive') });
    expectRefused(
      await kiln(root, 'validate'),
      'projects/app/build-config.yaml:3:6: build_args.A: YAML: alias *args is inside build_args, the value it names (hint: an alias can only repeat a value that ends before it; write the value out)',
    );
  });

  test('lists nested 10,000 deep: one problem, not the parser overflowing its stack', async () => {
    const deep = `${LOCAL}build_args: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const root = await monorepo('nested', { app: deep });
    expectRefused(
      await kiln(root, 'validate'),
      'projects/app/build-config.yaml:3:28: YAML: values are nested more than 16 levels deep (hint: a build-config.yaml is a map of keys whose values are text, lists or one level of build_args)',
    );
  });

  test.each(['validate', 'plan'])('a 50 MB file: %s refuses it by its size, unread', async (command) => {
    const big = `${LOCAL}build_args:\n${'  - PAD=0123456789012345678901234567890123456789\n'.repeat(1_100_000)}`;
    const bytes = Buffer.byteLength(big);
    expect(bytes).toBeGreaterThan(50_000_000);
    const root = await monorepo(`big-${command}`, { app: big, other: LOCAL });
    const args = command === 'plan' ? ['plan', '--projects', 'all', '--trigger', 'manual'] : ['validate'];
    expectRefused(
      await kiln(root, ...args),
      `${command === 'plan' ? '  ' : ''}projects/app/build-config.yaml: the file is ${bytes.toLocaleString('en-US')} bytes; a build-config.yaml may be at most ${MAX_BUILD_CONFIG_BYTES.toLocaleString('en-US')} bytes (64 KiB) (hint: a build-config.yaml is a few hundred bytes: check that this is the file you meant to commit)`,
    );
  });

  test('a depends_on cycle through 1,000 projects: one error naming it, from p00000 back to p00000', async () => {
    const root = await monorepo('cycle', chain(1000, true));
    const result = await kiln(root, 'validate');
    expect(result.ms).toBeLessThan(BOUND_MS);
    expect(result.code).toBe(1);
    const [first] = result.stderr.split('\n');
    expect(first).toMatch(
      /^projects\/p00000\/build-config\.yaml: depends_on: depends_on cycle: p00000 → p00001 → .* → p00999 → p00000 \(hint: /,
    );
  });

  test('5,000 projects in one depends_on chain: valid, and selected bottom first', async () => {
    const root = await monorepo('chain', chain(5000));
    const validate = await kiln(root, 'validate');
    expect(validate).toMatchObject({ code: 0, stderr: '', stdout: '5000 projects valid; no rebuild list\n' });
    expect(validate.ms).toBeLessThan(BOUND_MS);

    const plan = await kiln(
      root,
      ...['plan', '--selection-only', '--projects', 'all', '--trigger', 'manual', '--json'],
    );
    expect(plan.code).toBe(0);
    expect(plan.ms).toBeLessThan(BOUND_MS);
    const order = (JSON.parse(plan.stdout) as { projects: { name: string }[] }).projects.map((p) => p.name);
    expect(order).toHaveLength(5000);
    expect([order[0], order.at(-1)]).toEqual([name(4999), name(0)]);
  });
});
