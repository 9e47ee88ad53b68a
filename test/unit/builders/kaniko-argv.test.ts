import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { gitContext, kanikoArgv } from '../../../src/builders/kaniko/argv.js';
import { kanikoBuilder } from '../../../src/builders/kaniko/index.js';
import { KilnError } from '../../../src/errors.js';
import type { BuildJobSpec } from '../../../src/types.js';
import { buildJobSpec, SPEC_SHA } from './build-job-spec.js';

const FLAG_TABLE = fileURLToPath(
  new URL('../../fixtures/reference/kaniko-executor-flags.tsv', import.meta.url),
);
const KNOWN_FLAGS = new Set(
  readFileSync(FLAG_TABLE, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0])
    .filter((name): name is string => Boolean(name)),
);

const SHA = SPEC_SHA;
const spec = buildJobSpec;

/** The flag names of an argv (`--name=value` or `--name`). */
function flagNames(args: ReturnType<typeof kanikoArgv>): string[] {
  return args.slice(1).map((word) => {
    const first = word[0];
    const text = first && 'text' in first ? first.text : '';
    return text.replace(/^--/, '').split('=')[0] ?? '';
  });
}

const SPECS: [string, BuildJobSpec][] = [
  ['every option on', spec()],
  [
    'cache off, gzip, no mirror, TLS',
    spec({
      cacheRepository: undefined,
      compression: 'gzip',
      registryMirror: undefined,
      insecureRegistry: false,
    }),
  ],
  [
    'local context, no target',
    spec({ source: { kind: 'local', dir: 'projects/nginx' }, target: '', contextPath: '.' }),
  ],
  [
    'tag upstream',
    spec({
      source: { kind: 'git', url: 'https://h/x.git', ref: 'v1', sha: SHA, resolvedRef: 'refs/tags/v1' },
    }),
  ],
  ['SHA upstream', spec({ source: { kind: 'git', url: 'https://h/x.git', ref: SHA, sha: SHA } })],
];

describe('kanikoArgv', () => {
  test.each(SPECS)('%s: every flag exists in the maintained fork flag table', (_name, s) => {
    const unknown = flagNames(kanikoArgv(s)).filter((name) => !KNOWN_FLAGS.has(name));
    expect(unknown).toEqual([]);
  });

  test('omits --target when empty and --context-sub-path for the context root', () => {
    const names = flagNames(kanikoArgv(spec({ target: '', contextPath: '.' })));
    expect(names).not.toContain('target');
    expect(names).not.toContain('context-sub-path');
    expect(flagNames(kanikoArgv(spec()))).toEqual(expect.arrayContaining(['target', 'context-sub-path']));
  });

  test.each([
    [
      'cache on',
      spec(),
      ['--cache=true', '--cache-repo=registry.example.com/images/cache/arm64', '--cache-ttl=168h'],
    ],
    ['cache off', spec({ cacheRepository: undefined }), ['--cache=false']],
  ])('%s', (_n, s, expected) => {
    const texts = kanikoArgv(s).map((w) => w.map((p) => ('text' in p ? p.text : '')).join(''));
    expect(texts).toEqual(expect.arrayContaining(expected));
  });
});

describe('gitContext: fetch least while guaranteeing the pinned SHA', () => {
  const git = (url: string, ref: string, resolvedRef?: string) => ({
    kind: 'git' as const,
    url,
    ref,
    sha: SHA,
    ...(resolvedRef ? { resolvedRef } : {}),
  });
  test.each([
    [
      'branch: shallow single-branch clone, then the SHA',
      git('https://h/o/r.git', 'main', 'refs/heads/main'),
      `git://h/o/r.git#refs/heads/main#${SHA}`,
      ['depth=1', 'single-branch=true'],
    ],
    [
      'tag: resolved through --git branch, shallow',
      git('https://h/o/r.git', 'v1.2', 'refs/tags/v1.2'),
      `git://h/o/r.git##${SHA}`,
      ['branch=v1.2', 'depth=1', 'single-branch=true'],
    ],
    [
      'full SHA: Kaniko clones HEAD and fetches the SHA (no depth)',
      git('https://h/o/r.git', SHA),
      `git://h/o/r.git#${SHA}#${SHA}`,
      [],
    ],
    [
      'credentials in the URL never reach the context',
      git('https://user:secret@h/o/r.git', 'main', 'refs/heads/main'),
      `git://h/o/r.git#refs/heads/main#${SHA}`,
      ['depth=1', 'single-branch=true'],
    ],
  ])('%s', (_name, source, context, gitOptions) => {
    expect(gitContext(source)).toEqual({ context, gitOptions });
  });

  test.each(['git@h:o/r.git', 'ssh://git@h/o/r.git', 'git://h/o/r.git'])(
    '%s is rejected: Kaniko speaks HTTPS only',
    (url) => {
      expect(() => gitContext(git(url, 'main', 'refs/heads/main'))).toThrow(KilnError);
    },
  );
});

describe('kanikoBuilder', () => {
  test('upstream jobs skip the monorepo checkout; private upstreams get credentials by reference', () => {
    const vars = kanikoBuilder.variables(
      spec({
        source: {
          ...(spec().source as Extract<BuildJobSpec['source'], { kind: 'git' }>),
          auth: { username: 'gitlab-ci-token', passwordVariable: 'CI_JOB_TOKEN' },
        },
      }),
    );
    expect(vars).toEqual({
      GIT_STRATEGY: 'none',
      GIT_USERNAME: 'gitlab-ci-token',
      GIT_PASSWORD: '$CI_JOB_TOKEN',
    });
  });

  test('local-context jobs keep the checkout; plain-http upstreams switch Kaniko to http', () => {
    // Only the symlink check's script, which the child pipeline hoists to its top level.
    expect(
      Object.keys(kanikoBuilder.variables(spec({ source: { kind: 'local', dir: 'projects/nginx' } }))),
    ).toEqual(['KILN_GUARD']);
    const http = spec({
      source: { kind: 'git', url: 'http://h/x.git', ref: 'main', sha: SHA, resolvedRef: 'refs/heads/main' },
    });
    expect(kanikoBuilder.variables(http)['GIT_PULL_METHOD']).toBe('http');
  });

  test('the script runs the executor once and creates the digest folder', () => {
    const script = kanikoBuilder.script(spec());
    expect(script.filter((line) => line.startsWith('/kaniko/executor '))).toHaveLength(1);
    expect(script.some((line) => line.startsWith('mkdir -p "${CI_PROJECT_DIR}"/kiln/digests/nginx'))).toBe(
      true,
    );
  });
});
