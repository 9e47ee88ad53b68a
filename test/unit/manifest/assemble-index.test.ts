import { describe, expect, test } from 'vitest';
import { parsePlatform } from '../../../src/config/oci.js';
import { assembleIndex, recordedCreation } from '../../../src/manifest/assemble-index.js';
import { platformMatches } from '../../../src/manifest/platform.js';
import { decideTagMove } from '../../../src/manifest/tag-move.js';
import { type FetchedChild, verifyChildren } from '../../../src/manifest/verify-children.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../../../src/registry/media-types.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
function child(
  arch: string,
  platform: string,
  config: FetchedChild['config'],
  mediaType = OCI_MANIFEST,
): FetchedChild {
  return { arch, platform, digest: d(arch[0] ?? 'f'), mediaType, size: 400, config };
}
const amd = child('amd64', 'linux/amd64', { os: 'linux', architecture: 'amd64' });
const arm = child('arm64', 'linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' });

describe('assembleIndex', () => {
  test('OCI children → OCI index with platforms and kiln annotations, children in plan order', () => {
    const index = assembleIndex({
      children: [amd, arm],
      created: '2026-11-23T10:00:00Z',
      upstream: { repo: 'https://git.example/u.git', sha: 'b'.repeat(40) },
    });
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(JSON.parse(index.text)).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.digest,
          size: 400,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.digest,
          size: 400,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
      ],
      annotations: {
        'org.opencontainers.image.created': '2026-11-23T10:00:00Z',
        'org.opencontainers.image.revision': 'b'.repeat(40),
        'org.opencontainers.image.source': 'https://git.example/u.git',
      },
    });
  });

  test("the team's labels and annotations go on the index; kiln's own keys are kiln's", () => {
    const index = assembleIndex({
      children: [amd],
      created: '2026-11-23T10:00:00Z',
      upstream: { repo: 'https://git.example/u.git', sha: 'b'.repeat(40) },
      annotations: {
        'com.example.team': 'platform',
        'org.opencontainers.image.description': 'Kaniko, patched',
        // Refused in configs (config/metadata.ts); here only to show kiln's value wins.
        'org.opencontainers.image.created': '1999-01-01T00:00:00Z',
      },
    });
    expect(JSON.parse(index.text).annotations).toEqual({
      'com.example.team': 'platform',
      'org.opencontainers.image.description': 'Kaniko, patched',
      'org.opencontainers.image.created': '2026-11-23T10:00:00Z',
      'org.opencontainers.image.revision': 'b'.repeat(40),
      'org.opencontainers.image.source': 'https://git.example/u.git',
    });
  });

  test('Docker children → Docker manifest list', () => {
    const index = assembleIndex({
      children: [
        { ...amd, mediaType: DOCKER_MANIFEST },
        { ...arm, mediaType: DOCKER_MANIFEST },
      ],
      created: '2026-11-23T10:00:00Z',
    });
    expect(index.mediaType).toBe(DOCKER_MANIFEST_LIST);
    expect(recordedCreation(index.text)).toBe('2026-11-23T10:00:00Z');
  });

  test('the same input gives the same bytes (so a rerun gives the same digest)', () => {
    const input = { children: [amd, arm], created: '2026-11-23T10:00:00Z' };
    expect(assembleIndex(input).text).toBe(assembleIndex(structuredClone(input)).text);
  });

  test('mixed formats are refused, naming each architecture', () => {
    expect(() =>
      assembleIndex({
        children: [amd, { ...arm, mediaType: DOCKER_MANIFEST }],
        created: '2026-11-23T10:00:00Z',
      }),
    ).toThrow(`mix manifest formats (amd64: ${OCI_MANIFEST}, arm64: ${DOCKER_MANIFEST})`);
  });

  test.each([
    ['{"annotations":{"org.opencontainers.image.created":"2026-01-01T00:00:00Z"}}', '2026-01-01T00:00:00Z'],
    ['{"annotations":{"org.opencontainers.image.created":"not a date"}}', undefined],
    ['{"schemaVersion":2}', undefined],
    ['garbage', undefined],
  ])('recordedCreation(%s)', (text, expected) => {
    expect(recordedCreation(text)).toBe(expected);
  });
});

describe('verifyChildren', () => {
  test('matching platforms pass (arm64 with or without v8)', () => {
    expect(() =>
      verifyChildren([amd, arm, child('arm64b', 'linux/arm64/v8', { os: 'linux', architecture: 'arm64' })]),
    ).not.toThrow();
  });

  test('every mismatch is reported at once, each with a hint', () => {
    const wrong = child('amd64', 'linux/amd64', { os: 'linux', architecture: 'arm64' });
    const armv6 = child('arm-v7', 'linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v6' });
    const nested = child('s390x', 'linux/s390x', {}, OCI_INDEX);
    try {
      verifyChildren([wrong, armv6, nested]);
      expect.unreachable();
    } catch (error) {
      const e = error as { message: string; problems: { field: string; message: string; hint: string }[] };
      expect(e.message).toBe('the per-architecture images do not match the plan: 3 problems');
      expect(e.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
        `children[amd64]: image ${wrong.digest} is linux/arm64, expected linux/amd64`,
        `children[arm-v7]: image ${armv6.digest} is linux/arm/v6, expected linux/arm/v7`,
        `children[s390x]: ${nested.digest} is a ${OCI_INDEX}, not an image manifest`,
      ]);
      expect(e.problems[0]?.hint).toContain('runner tags of the amd64 build job');
    }
  });

  test.each([
    ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }, true],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }, true],
    ['linux/arm/v7', { os: 'linux', architecture: 'arm' }, false],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }, true],
    ['linux/amd64', { os: 'windows', architecture: 'amd64' }, false],
  ])('platform %s serves %j: %s', (expected, actual, matches) => {
    expect(platformMatches(parsePlatform(expected), actual)).toBe(matches);
  });
});

describe('decideTagMove', () => {
  const ours = { digest: d('1'), created: '2026-11-23T10:00:00Z' };
  test.each([
    ['absent', undefined, 'create'],
    ['already ours', { digest: d('1') }, 'unchanged'],
    ['older target', { digest: d('2'), created: '2026-11-23T09:59:59Z' }, 'move'],
    [
      'same creation time (rerun of the same pipeline)',
      { digest: d('2'), created: '2026-11-23T10:00:00Z' },
      'move',
    ],
    ['newer target (we are late)', { digest: d('2'), created: '2026-11-23T10:00:01Z' }, 'skip-newer'],
    [
      'newer target in another offset',
      { digest: d('2'), created: '2026-11-23T11:30:00+01:00' },
      'skip-newer',
    ],
    ['target not made by kiln', { digest: d('2') }, 'move'],
  ] as const)('%s → %s', (_what, current, expected) => {
    expect(decideTagMove(current, ours)).toBe(expected);
  });
});
