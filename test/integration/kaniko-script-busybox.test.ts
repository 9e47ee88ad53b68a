// Generated Kaniko job scripts, run for real under busybox sh (the shell of the Kaniko debug image)
// with a stand-in executor that records its argv. Kaniko itself cannot run here.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KANIKO_EXECUTOR } from '../../src/builders/kaniko/argv.js';
import { kanikoBuilder } from '../../src/builders/kaniko/index.js';
import type { BuildJobSpec } from '../../src/types.js';
import { jobVariables } from '../harness/job-variables.js';
import { requireTool } from '../harness/tools.js';
import { buildJobSpec } from '../unit/builders/build-job-spec.js';

const SHA = 'c'.repeat(40);
let dir: string;
let shim: string;

beforeAll(() => {
  requireTool('busybox', 'busybox-static');
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-kaniko-sh-'));
  shim = path.join(dir, 'executor');
  // Records argv NUL-separated, and writes a digest like Kaniko does.
  writeFileSync(
    shim,
    [
      '#!/usr/bin/env -S busybox sh',
      'for a in "$@"; do printf "%s\\0" "$a"; done > "$KILN_ARGV_OUT"',
      'pwd > "$KILN_ARGV_OUT.cwd"',
      'for a in "$@"; do case "$a" in --digest-file=*) printf sha256:feed > "${a#--digest-file=}";; esac; done',
    ].join('\n'),
  );
  chmodSync(shim, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the job script the way the runner does (one sh, lines in order, stop at the first error). */
function runJob(spec: BuildJobSpec, env: Record<string, string>): { argv: string[]; cwd: string } {
  const projectDir = mkdtempSync(path.join(dir, 'project-'));
  const out = path.join(dir, `argv-${Math.random().toString(36).slice(2)}`);
  const script = kanikoBuilder
    .script(spec)
    .map((line) => line.replaceAll(KANIKO_EXECUTOR, shim))
    .join('\n');
  execFileSync('busybox', ['sh', '-e', '-c', script], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      CI_PROJECT_DIR: projectDir,
      KILN_ARGV_OUT: out,
      ...jobVariables(kanikoBuilder, spec),
      ...env,
    },
    cwd: projectDir,
  });
  const argv = readFileSync(out, 'utf8').split('\0').slice(0, -1);
  const digest = readFileSync(path.join(projectDir, spec.digestFile), 'utf8');
  expect(digest).toBe('sha256:feed');
  return {
    argv: argv.map((a) => a.replaceAll(projectDir, '$PROJECT')),
    cwd: readFileSync(`${out}.cwd`, 'utf8').trim(),
  };
}

const hostileValue = `it's "q" $(touch /tmp/kiln-pwned) \`id\` \${ECR_REGISTRY}/base\nline2 -- *`;

function spec(overrides: Partial<BuildJobSpec> = {}): BuildJobSpec {
  return buildJobSpec({
    platform: 'linux/arm/v7',
    arch: 'arm-v7',
    source: {
      kind: 'git',
      url: 'https://git.example.com/up/nginx.git',
      ref: 'main',
      sha: SHA,
      resolvedRef: 'refs/heads/main',
    },
    contextPath: 'sub dir',
    dockerfile: 'Dockerfile',
    target: '',
    buildArgs: [
      { name: 'BASE', value: '${ECR_REGISTRY}/base:1' },
      { name: 'HOSTILE', value: hostileValue },
    ],
    destination: 'registry.example.com/images:nginx-20260304-01234567-arm-v7',
    cacheRepository: 'registry.example.com/images/cache/arm-v7',
    digestFile: 'kiln/digests/nginx/arm-v7.digest',
    labels: { 'org.opencontainers.image.title': "nginx's $(id)" },
    compression: 'gzip',
    registryMirror: undefined,
    insecureRegistry: false,
    ...overrides,
  });
}

describe('Kaniko job script under busybox sh', () => {
  test('the executor receives exactly the intended argv; only CI variable references expand', () => {
    const { argv, cwd } = runJob(spec(), { ECR_REGISTRY: '1.dkr.ecr.eu-west-1.amazonaws.com' });
    expect(argv).toEqual([
      `--context=git://git.example.com/up/nginx.git#refs/heads/main#${SHA}`,
      '--git=depth=1',
      '--git=single-branch=true',
      '--context-sub-path=sub dir',
      '--dockerfile=Dockerfile',
      '--build-arg=BASE=1.dkr.ecr.eu-west-1.amazonaws.com/base:1',
      `--build-arg=HOSTILE=it's "q" $(touch /tmp/kiln-pwned) \`id\` 1.dkr.ecr.eu-west-1.amazonaws.com/base\nline2 -- *`,
      '--custom-platform=linux/arm/v7',
      '--destination=registry.example.com/images:nginx-20260304-01234567-arm-v7',
      '--digest-file=$PROJECT/kiln/digests/nginx/arm-v7.digest',
      "--label=org.opencontainers.image.title=nginx's $(id)",
      '--cache=true',
      '--cache-repo=registry.example.com/images/cache/arm-v7',
      '--cache-ttl=168h',
      '--snapshot-mode=redo',
      '--use-new-run',
      '--cleanup',
      '--push-retry=3',
      '--image-download-retry=3',
    ]);
    expect(existsSync('/tmp/kiln-pwned')).toBe(false);
    // The executor runs in an empty directory, not the (possibly stale) checkout.
    expect(cwd).not.toContain('project-');
  });

  test('a local-context job builds dir://$CI_PROJECT_DIR/<project>, with zstd, mirror and plain HTTP', () => {
    const { argv } = runJob(
      spec({
        source: { kind: 'local', dir: 'projects/my app' },
        contextPath: '.',
        target: 'runtime',
        buildArgs: [],
        compression: 'zstd',
        registryMirror: 'mirror.example.com',
        insecureRegistry: true,
        cacheRepository: undefined,
      }),
      {},
    );
    expect(argv.slice(0, 3)).toEqual([
      '--context=dir://$PROJECT/projects/my app',
      '--dockerfile=Dockerfile',
      '--target=runtime',
    ]);
    expect(argv.slice(-5)).toEqual([
      '--push-retry=3',
      '--image-download-retry=3',
      '--compression=zstd',
      '--registry-mirror=mirror.example.com',
      '--insecure-registry=registry.example.com',
    ]);
    expect(argv).toContain('--cache=false');
  });
});
