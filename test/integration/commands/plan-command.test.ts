// `kiln plan --selection-only` through the CLI entry (main), on a real scripted repository: table,
// --json, --output. (The full plan, with pinned upstreams, is tested by the planner's tests.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { createMemoryLogger } from '../../../src/log.js';
import { createRepo, projectFiles, tempDir } from '../select/scripted-repo.js';

async function kiln(argv: string[], cwd: string) {
  const log = createMemoryLogger();
  const code = await main(argv, { cwd, env: {}, now: new Date('2026-11-23T10:00:00Z'), log });
  return { code, stdout: log.stdout.join(''), stderr: log.stderr.join('') };
}

function repo() {
  const r = createRepo('plan-cmd');
  r.write({
    ...projectFiles('nginx'),
    ...projectFiles('redis'),
    ...projectFiles('app', 'depends_on: [redis]'),
  });
  const base = r.commit('initial');
  r.write({ 'projects/redis/redis.conf': 'x\n', 'projects/nginx/README.md': 'docs\n' });
  r.remove('projects/nginx/Dockerfile');
  r.write({ 'projects/nginx/Dockerfile': 'FROM scratch\nLABEL v=3\n' });
  const head = r.commit('change');
  return { r, base, head };
}

describe('kiln plan --selection-only', () => {
  test('--json lists the selected projects with reasons, deleted, notes, base and head', async () => {
    const { r, base, head } = repo();
    const { code, stdout } = await kiln(
      ['plan', '--selection-only', '--root', r.dir, '--base', base, '--json'],
      '/',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      trigger: 'push',
      base,
      head,
      projects: [
        { name: 'nginx', reasons: [{ kind: 'changed', files: ['projects/nginx/Dockerfile'] }] },
        { name: 'redis', reasons: [{ kind: 'changed', files: ['projects/redis/redis.conf'] }] },
        { name: 'app', reasons: [{ kind: 'dependency', of: 'redis' }] },
      ],
      deleted: [],
      notes: [`base from --base (${base})`, '1 changed file(s) matched the ignore globs (**/*.md)'],
    });
  });

  test('the table names each project and its reasons; notes go to stderr', async () => {
    const { r, base } = repo();
    const { code, stdout, stderr } = await kiln(['plan', '--selection-only', '--base', base], r.dir);
    expect(code).toBe(0);
    expect(stdout).toContain('PROJECT  REASONS');
    expect(stdout).toMatch(/^redis\s+changed: projects\/redis\/redis\.conf$/m);
    expect(stdout).toMatch(/^app\s+dependency redis is rebuilt$/m);
    expect(stderr).toContain('note: base from --base');
  });

  test('--output writes the JSON document and nothing else changes', async () => {
    const { r, base } = repo();
    const out = path.join(tempDir('plan-out'), 'nested', 'selection.json');
    const before = r.git('status', '--porcelain');
    const { code } = await kiln(
      ['plan', '--selection-only', '--root', r.dir, '--base', base, '--output', out],
      '/',
    );
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).projects.map((p: { name: string }) => p.name)).toEqual([
      'nginx',
      'redis',
      'app',
    ]);
    expect(r.git('status', '--porcelain')).toBe(before);
  });

  test.each([
    [['plan', '--trigger', 'nightly'], /--trigger must be one of push, mr, schedule, manual/],
    [['plan', '--bogus'], /Unknown option '--bogus'/],
    [['plan', 'extra'], /unexpected argument "extra"/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { r } = repo();
    const { code, stderr } = await kiln(argv, r.dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('--projects with an unknown name fails (exit 1) with a did-you-mean', async () => {
    const { r } = repo();
    const { code, stderr } = await kiln(['plan', '--selection-only', '--projects', 'redsi'], r.dir);
    expect(code).toBe(1);
    expect(stderr).toContain('--projects: unknown project "redsi"');
    expect(stderr).toContain('did you mean "redis"');
  });

  test('outside CI, --projects is a manual run (not reported as a push)', async () => {
    const { r } = repo();
    const { code, stdout } = await kiln(['plan', '--selection-only', '--projects', 'redis', '--json'], r.dir);
    expect(code).toBe(0);
    const selection = JSON.parse(stdout) as { trigger: string; projects: { name: string }[] };
    expect(selection.trigger).toBe('manual');
    // app depends_on redis, so it is rebuilt after it.
    expect(selection.projects.map((p) => p.name)).toEqual(['redis', 'app']);
  });

  test('reads only what selection needs: a selected config broken elsewhere is listed; the full plan refuses it', async () => {
    const r = createRepo('plan-cmd-broken');
    r.write(projectFiles('web'));
    const base = r.commit('initial');
    r.write({
      'projects/web/build-config.yaml': `${projectFiles('web')['projects/web/build-config.yaml']}additional_tags: ["not a tag"]\n`,
    });
    r.commit('a bad tag');
    const selection = await kiln(['plan', '--selection-only', '--base', base, '--json'], r.dir);
    expect(selection.code).toBe(0);
    expect(JSON.parse(selection.stdout).projects.map((p: { name: string }) => p.name)).toEqual(['web']);
    // Without --selection-only what is built is parsed in full, before anything is pinned or pushed.
    const plan = await kiln(['plan', '--base', base], r.dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/projects\/web\/build-config\.yaml:\d+:\d+: additional_tags\[0\]/);
  });

  test('a tag two projects would write is refused by validate, and by the plan when only one of them changed', async () => {
    const r = createRepo('plan-cmd-shared-tag');
    const local = (tags: string) =>
      `use_local_context: true\nplatforms: [linux/amd64]\nadditional_tags: [${tags}]\n`;
    r.write({
      'kiln.yaml': 'registry: registry.example/images\n',
      'projects/web/build-config.yaml': local('api-latest'),
      'projects/web/Dockerfile': 'FROM scratch\n',
      'projects/web-api/build-config.yaml': local('latest'),
      'projects/web-api/Dockerfile': 'FROM scratch\n',
      'projects/api/build-config.yaml': local('latest'),
      'projects/api/Dockerfile': 'FROM scratch\n',
    });
    const base = r.commit('initial');
    r.write({ 'projects/web/Dockerfile': 'FROM scratch\nLABEL v=2\n' });
    r.commit('change web only');

    const validate = await kiln(['validate'], r.dir);
    expect(validate.code).toBe(1);
    // One problem: api's api-latest is not web's web-api-latest.
    expect(validate.stderr).toMatch(/1 problem in 1 file$/m);
    expect(validate.stderr).toMatch(
      /projects\/web-api\/build-config\.yaml:.*additional_tags\[0\]: tag "web-api-latest" of registry\.example\/images is also written by project web \(projects\/web\/build-config\.yaml: additional_tags\[0\]\)/,
    );

    const plan = await kiln(['plan', '--base', base], r.dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(
      /additional_tags\[0\]: tag "web-api-latest" of registry\.example\/images is also written by project web/,
    );
  });

  test('--help documents the selection flags', async () => {
    const { code, stdout } = await kiln(['plan', '--help'], '/');
    expect(code).toBe(0);
    for (const flag of ['--root', '--trigger', '--base', '--head', '--projects', '--json', '--output']) {
      expect(stdout).toContain(flag);
    }
  });
});
