import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, parseRunnerTags, resolveSettings, splitList } from '../../src/config/settings.js';
import { KilnError, type Problem } from '../../src/errors.js';

describe('resolveSettings precedence: flags > KILN_* env > kiln.yaml > defaults', () => {
  const fileText = 'builder: buildah\ncache: false\nregistry: file.example/images\n';

  test('defaults when nothing is given', () => {
    expect(resolveSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  test('kiln.yaml overrides defaults', () => {
    const s = resolveSettings({ fileText });
    expect(s.builder).toBe('buildah');
    expect(s.cache).toBe(false);
    expect(s.registry).toBe('file.example/images');
  });

  test('KILN_* env overrides kiln.yaml', () => {
    const s = resolveSettings({ fileText, env: { KILN_BUILDER: 'kaniko', KILN_REGISTRY: 'env.example/x' } });
    expect(s.builder).toBe('kaniko');
    expect(s.registry).toBe('env.example/x');
    expect(s.cache).toBe(false);
  });

  test('flags override env', () => {
    const s = resolveSettings({ fileText, env: { KILN_BUILDER: 'kaniko' }, flags: { builder: 'buildah' } });
    expect(s.builder).toBe('buildah');
  });

  test('ECR_REGISTRY is the default registry, KILN_REGISTRY wins over it', () => {
    expect(resolveSettings({ env: { ECR_REGISTRY: '1.dkr.ecr.eu-west-1.amazonaws.com/img' } }).registry).toBe(
      '1.dkr.ecr.eu-west-1.amazonaws.com/img',
    );
    expect(resolveSettings({ env: { ECR_REGISTRY: 'a/b', KILN_REGISTRY: 'c/d' } }).registry).toBe('c/d');
  });

  test('component-style string inputs are parsed', () => {
    const s = resolveSettings({
      env: {
        KILN_RUNNER_TAGS: 'linux/amd64=fast-amd64,docker;linux/arm64=graviton',
        KILN_IGNORE: '**/*.md, docs/**',
        KILN_CACHE: 'false',
        KILN_KANIKO_IMAGE: 'example/kaniko:v1',
      },
    });
    expect(s.runnerTags).toEqual({ 'linux/amd64': ['fast-amd64', 'docker'], 'linux/arm64': ['graviton'] });
    expect(s.ignore).toEqual(['**/*.md', 'docs/**']);
    expect(s.cache).toBe(false);
    expect(s.images.kaniko).toBe('example/kaniko:v1');
    expect(s.images.buildah).toBe(DEFAULT_SETTINGS.images.buildah);
  });
});

describe('pin_concurrency', () => {
  test('16 by default; kiln.yaml, then KILN_PIN_CONCURRENCY, override it', () => {
    expect(resolveSettings({}).pinConcurrency).toBe(16);
    expect(resolveSettings({ fileText: 'pin_concurrency: 4\n' }).pinConcurrency).toBe(4);
    expect(
      resolveSettings({ fileText: 'pin_concurrency: 4\n', env: { KILN_PIN_CONCURRENCY: '128' } })
        .pinConcurrency,
    ).toBe(128);
  });

  test.each(['0', '129', '08', '1e2', '-1', '4.5', ' 4', 'many'])(
    'KILN_PIN_CONCURRENCY=%j is refused, named',
    (value) => {
      const error = (() => {
        try {
          resolveSettings({ env: { KILN_PIN_CONCURRENCY: value } });
        } catch (e) {
          return e as KilnError;
        }
      })();
      expect(error?.problems.map((p) => [p.field, p.hint])).toEqual([
        ['KILN_PIN_CONCURRENCY', 'a whole number from 1 to 128'],
      ]);
    },
  );

  test.each(['0', '129', '"8"', '2.5'])('kiln.yaml pin_concurrency: %s is refused, named', (value) => {
    const error = (() => {
      try {
        resolveSettings({ fileText: `pin_concurrency: ${value}\n` });
      } catch (e) {
        return e as KilnError;
      }
    })();
    expect(error?.problems.map((p) => `${p.file}: ${p.field}`)).toEqual(['kiln.yaml: pin_concurrency']);
  });
});

describe('signing settings', () => {
  test('none by default; kiln.yaml sets keyless with a private Sigstore, KILN_SIGNING overrides the mode', () => {
    expect(resolveSettings({}).signing).toBe('none');
    const fileText =
      'signing: keyless\nsbom_format: cyclonedx-json\nsigstore_fulcio_url: https://fulcio.internal\n';
    const s = resolveSettings({ fileText });
    expect([s.signing, s.sbomFormat, s.sigstoreFulcioUrl, s.sigstoreRekorUrl]).toEqual([
      'keyless',
      'cyclonedx-json',
      'https://fulcio.internal',
      'https://rekor.sigstore.dev',
    ]);
    expect(
      resolveSettings({ fileText, env: { KILN_SIGNING: 'key', KILN_SIGNING_KEY: 'awskms:///alias/kiln' } }),
    ).toMatchObject({
      signing: 'key',
      signingKey: 'awskms:///alias/kiln',
    });
  });
});

describe('resolveSettings reports every problem at once', () => {
  test.each([
    [{ KILN_BUILDER: 'docker' }, 'KILN_BUILDER', 'not one of kaniko, buildah'],
    [{ KILN_CACHE: 'maybe' }, 'KILN_CACHE', 'not a boolean'],
    [{ KILN_REPOSITORY_MODE: 'many' }, 'KILN_REPOSITORY_MODE', 'not one of single, per-project'],
    [{ KILN_RUNNER_TAGS: 'linux/amd64' }, 'KILN_RUNNER_TAGS', 'is not platform=tags'],
    [{ KILN_SIGNING: 'cosign' }, 'KILN_SIGNING', 'not one of none, key, keyless'],
    [{ KILN_SBOM_FORMAT: 'spdx' }, 'KILN_SBOM_FORMAT', 'not one of spdx-json, cyclonedx-json'],
    [{ KILN_SIGNING_KEY: '-----BEGIN KEY' }, 'KILN_SIGNING_KEY', 'not valid here'],
    [{ KILN_SIGSTORE_FULCIO_URL: 'fulcio.example' }, 'KILN_SIGSTORE_FULCIO_URL', 'not valid here'],
  ])('%j → %s', (env, field, message) => {
    try {
      resolveSettings({ env });
      expect.unreachable('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(KilnError);
      const problem = (error as KilnError).problems[0];
      expect(problem?.field).toBe(field);
      expect(problem?.message).toContain(message);
    }
  });

  test('two bad variables → two problems', () => {
    const error = (() => {
      try {
        resolveSettings({ env: { KILN_BUILDER: 'x', KILN_CACHE: 'y' } });
      } catch (e) {
        return e as KilnError;
      }
    })();
    expect(error?.problems).toHaveLength(2);
  });

  test('unknown kiln.yaml key is reported with the file', () => {
    try {
      resolveSettings({ fileText: 'bilder: kaniko\n' });
      expect.unreachable('should throw');
    } catch (error) {
      const problem = (error as KilnError).problems[0];
      expect(problem?.file).toBe('kiln.yaml');
      expect(problem?.message).toMatch(/bilder/);
    }
  });

  test('malformed kiln.yaml carries line and column', () => {
    try {
      resolveSettings({ fileText: 'cache: true\nbuilder: [kaniko\n' });
      expect.unreachable('should throw');
    } catch (error) {
      const problem = (error as KilnError).problems[0];
      expect(problem?.line).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('list helpers', () => {
  test('splitList trims and drops empties', () => {
    expect(splitList(' a, b ,,c\n d ')).toEqual(['a', 'b', 'c', 'd']);
  });
  test('parseRunnerTags keeps variable references for GitLab to expand', () => {
    const problems: Problem[] = [];
    expect(parseRunnerTags('linux/amd64=$CICD_TAG_AMD64', problems, 'x')).toEqual({
      'linux/amd64': ['$CICD_TAG_AMD64'],
    });
    expect(problems).toEqual([]);
  });
});
