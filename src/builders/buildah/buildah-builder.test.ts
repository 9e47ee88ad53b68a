// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell variable references are the subject here
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { requireTool } from '../../../test/harness/tools.js';
import type { BuildJobSpec } from '../../types.js';
import { buildArgv, buildahBuilder, pushArgv } from './buildah-builder.js';

const SHA = 'a'.repeat(40);

function spec(overrides: Partial<BuildJobSpec> = {}): BuildJobSpec {
  return {
    project: 'nginx',
    platform: 'linux/arm64',
    arch: 'arm64',
    source: { kind: 'git', url: 'https://example.com/up.git', ref: 'main', sha: SHA },
    contextPath: '.',
    dockerfile: 'Dockerfile',
    target: '',
    buildArgs: [],
    destination: 'reg.example.com/images:nginx-20260101-abcdef0-arm64',
    cacheTtl: '168h',
    digestFile: 'kiln/digests/nginx-arm64.digest',
    labels: {},
    compression: 'gzip',
    insecureRegistry: false,
    ...overrides,
  };
}

describe('buildah build argv', () => {
  test.each<[string, Partial<BuildJobSpec>, string[], string[]]>([
    [
      'defaults',
      {},
      ['--isolation chroot', '--platform linux/arm64'],
      ['--target', '--layers', '--tls-verify'],
    ],
    ['a target stage', { target: 'runtime' }, ['--target runtime'], []],
    [
      'the per-arch layer cache',
      { cacheRepository: 'reg.example.com/cache-arm64' },
      // The options come from the version-gated `set --` line (see the script tests).
      ['"$@"'],
      ['--layers'],
    ],
    ['a plain-HTTP registry', { insecureRegistry: true }, ['--tls-verify=false'], []],
    [
      'labels',
      { labels: { 'org.opencontainers.image.revision': SHA } },
      [`--label org.opencontainers.image.revision=${SHA}`],
      [],
    ],
  ])('%s', (_name, overrides, present, absent) => {
    const line = buildArgv(spec(overrides)).join(' ');
    for (const text of present) expect(line).toContain(text);
    for (const text of absent) expect(line).not.toContain(text);
  });

  test('build args keep CI variable references for the shell and quote everything else', () => {
    const line = buildArgv(spec({ buildArgs: [{ name: 'BASE', value: "${ECR_REGISTRY}/base:it's" }] })).join(
      ' ',
    );
    expect(line).toContain(`--build-arg BASE="\${ECR_REGISTRY}"'/base:it'\\''s'`);
  });
});

describe('buildah push argv', () => {
  test.each<[string, Partial<BuildJobSpec>, string]>([
    [
      'TLS on, gzip',
      {},
      `--digestfile kiln/digests/nginx-arm64.digest ${spec().destination} docker://${spec().destination}`,
    ],
    ['zstd', { compression: 'zstd' }, '--compression-format zstd'],
    ['plain HTTP', { insecureRegistry: true }, '--tls-verify=false'],
  ])('%s', (_name, overrides, expected) => {
    expect(pushArgv(spec(overrides)).join(' ')).toContain(expected);
  });
});

describe('buildah job script', () => {
  test('each job has its own work folder (checkout, buildah storage), removed when the job exits', () => {
    const script = buildahBuilder.script(spec());
    expect(script.slice(0, 2)).toEqual(['KILN_WORK="$(mktemp -d)"', `trap 'rm -rf "$KILN_WORK"' EXIT`]);
    expect(script).toContain('KILN_SRC="$KILN_WORK/src"');
  });

  test('runs buildah with the storage driver from its job variable, vfs unless overridden', () => {
    expect(buildahBuilder.variables(spec())).toMatchObject({ KILN_BUILDAH_STORAGE_DRIVER: 'vfs' });
    const builds = buildahBuilder.script(spec()).filter((line) => line.startsWith('buildah'));
    expect(builds).toHaveLength(2);
    for (const line of builds)
      expect(line).toMatch(
        /^buildah --root "\$KILN_WORK\/storage" --runroot "\$KILN_WORK\/run" --storage-driver "\$\{KILN_BUILDAH_STORAGE_DRIVER:-vfs\}"/,
      );
  });

  test.each([
    ['1.42.0', true],
    ['1.27.1', true],
    ['1.26.4', false],
  ])('buildah %s: layer-cache options given to buildah build: %s', (version, cached) => {
    requireTool('busybox', 'busybox-static');
    const repo = 'reg.example.com/cache/arm64';
    const script = buildahBuilder.script(spec({ cacheRepository: repo }));
    const gate = script.filter((line) => line === 'set --' || line.startsWith('if buildah --version'));
    expect(gate).toHaveLength(2);
    // A stand-in `buildah` that only answers --version; the gate runs for real in busybox sh.
    const stub = `buildah() { echo "buildah version ${version} (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)"; }`;
    const shell = [stub, ...gate, `printf '<%s>' "$@"`].join('\n');
    const out = execFileSync('busybox', ['sh', '-e', '-c', shell], { encoding: 'utf8' });
    const options = `<--layers><--cache-from><${repo}><--cache-to><${repo}><--cache-ttl><168h>`;
    if (cached) expect(out).toBe(options);
    else expect(out).toMatch(/^kiln: this buildah is older than 1\.27 .*without the layer cache\n<>$/);
  });

  test('a local-context project builds its folder, without git', () => {
    const script = buildahBuilder.script(
      spec({ source: { kind: 'local', dir: 'projects/my app' }, contextPath: 'sub' }),
    );
    expect(script.join('\n')).not.toContain('git ');
    expect(script).toContain(`KILN_CONTEXT='projects/my app/sub'`);
  });

  test('a private upstream reads its token from the CI variable at run time, never from the script', () => {
    const source = { kind: 'git' as const, url: 'https://h/x.git', ref: 'v1', sha: SHA };
    const script = buildahBuilder
      .script(spec({ source: { ...source, auth: { username: 'oauth2', passwordVariable: 'UP_TOKEN' } } }))
      .join('\n');
    expect(script).toContain('"${UP_TOKEN}"');
    // Bound to the upstream's origin: git asks it for https://h only.
    expect(script).toContain("'credential.https://h.helper=");
    expect(() =>
      buildahBuilder.script(
        spec({ source: { ...source, auth: { username: 'u', passwordVariable: 'glpat-x y' } } }),
      ),
    ).toThrow(/not a CI variable name/);
  });

  test('a registry mirror becomes a registries.conf mirror for docker.io', () => {
    const script = buildahBuilder.script(spec({ registryMirror: 'mirror.example.com' })).join('\n');
    expect(script).toContain(`'location = "mirror.example.com"'`);
    expect(script).toContain('export CONTAINERS_REGISTRIES_CONF=');
  });

  test('every line parses in busybox sh (the shell of the job image)', () => {
    requireTool('busybox', 'busybox-static');
    const script = buildahBuilder.script(
      spec({
        buildArgs: [{ name: 'X', value: `a'b"c $(no) \`no\` \${CI_JOB_ID}` }],
        labels: { 'a.b': "it's" },
      }),
    );
    // -n: parse only; a syntax error exits non-zero and fails the test.
    execFileSync('busybox', ['sh', '-n', '-c', script.join('\n')]);
  });
});
