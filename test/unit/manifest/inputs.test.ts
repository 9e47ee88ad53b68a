import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseManifestSpec } from '../../../src/manifest/manifest-spec.js';
import { parseDigestFile } from '../../../src/manifest/read-digests.js';
import {
  buildAnnotations,
  buildDotenv,
  buildReport,
  imageUrl,
  imageVariable,
} from '../../../src/manifest/report.js';
import type { ManifestSpec } from '../../../src/types.js';

const spec: ManifestSpec = {
  project: 'web',
  repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
  tags: ['web-20261123-abc1234', 'web-latest'],
  children: [
    {
      platform: 'linux/amd64',
      arch: 'amd64',
      tag: 'web-20261123-abc1234-amd64',
      digestFile: 'digests/web-amd64',
    },
  ],
  upstream: { repo: 'https://git.example/u.git', ref: 'main', sha: 'c'.repeat(40) },
  created: '2026-11-23T10:00:00Z',
  insecureRegistry: false,
};
const digest = `sha256:${'e'.repeat(64)}`;

describe('parseDigestFile', () => {
  test.each([
    [`${digest}\n`, { digest }],
    [`  ${digest}  `, { digest }],
    ['', { problem: 'is empty' }],
    ['\n', { problem: 'is empty' }],
    ['sha256:abc', { problem: 'does not hold a sha256 digest (found "sha256:abc")' }],
  ])('%j', (text, expected) => {
    expect(parseDigestFile(text)).toEqual(expected);
  });
});

describe('parseManifestSpec', () => {
  test('a valid spec round-trips', () => {
    expect(parseManifestSpec(JSON.stringify(spec), 'spec.json')).toEqual(spec);
  });
  test.each([
    ['tags', { tags: [] }],
    ['tags.1', { tags: ['web-1', 'web latest'] }],
    ['children.0.platform', { children: [{ ...spec.children[0], platform: 'amd64' }] }],
    ['created', { created: 'Monday' }],
    ['created', { created: '2026-11-23T10:00:00' }],
    ['', { extra: 1 }],
    ['children.0', { children: [{ ...spec.children[0], extra: 1 }] }],
    ['children.0.digestFile', { children: [{ ...spec.children[0], digestFile: undefined }] }],
    ['project', { project: '' }],
    ['repository', { repository: 7 }],
    ['children', { children: {} }],
    ['upstream.sha', { upstream: { repo: 'r', ref: 'main' } }],
    ['insecureRegistry', { insecureRegistry: 'false' }],
  ])('bad %s is reported with its field', (field, change) => {
    try {
      parseManifestSpec(JSON.stringify({ ...spec, ...change }), 'KILN_MANIFEST_SPEC');
      expect.unreachable();
    } catch (error) {
      const problems = (error as { problems: { file: string; field?: string }[] }).problems;
      expect(problems[0]?.file).toBe('KILN_MANIFEST_SPEC');
      expect(problems[0]?.field).toBe(field || undefined);
    }
  });
});

test('a spec without upstream (a local build) is valid', () => {
  const { upstream: _, ...local } = spec;
  expect(parseManifestSpec(JSON.stringify(local), 'spec.json')).toEqual(local);
});

test("the manifest command's modules do not load zod (issue 16: it cost more than the registry work)", () => {
  // Follows the static imports from src/commands/manifest.ts through the sources.
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/^import (?!type )[^'"]*['"]([^'"]+)['"]/gm)) {
      if (!spec) continue;
      expect(spec, `${file} imports ${spec}`).not.toBe('zod');
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(path.resolve('src/commands/manifest.ts'));
  expect(seen.size).toBeGreaterThan(10);
});

/** The report of `spec` published at `digest`, one tag moved. */
function sampleReport() {
  return buildReport({
    spec,
    indexDigest: digest,
    mediaType: 'x',
    tags: [{ tag: 'web-latest', status: 'moved' }],
    childDigests: { amd64: digest },
  });
}

describe('the dotenv report', () => {
  test.each([
    ['web', 'KILN_IMAGE_WEB'],
    ['web-api', 'KILN_IMAGE_WEB_API'],
    ['a.b_c9', 'KILN_IMAGE_A_B_C9'],
  ])('project %s → %s', (project, variable) => {
    expect(imageVariable(project)).toBe(variable);
  });

  test('one line: the image by digest, never by tag', () => {
    expect(buildDotenv(sampleReport())).toBe(`KILN_IMAGE_WEB=${spec.repository}@${digest}\n`);
  });
});

describe('report', () => {
  test('manifest-report.json content', () => {
    const report = sampleReport();
    expect(report).toMatchObject({
      project: 'web',
      image: spec.repository,
      indexDigest: digest,
      upstream: spec.upstream,
    });
    expect(report.children).toEqual([
      { platform: 'linux/amd64', arch: 'amd64', tag: 'web-20261123-abc1234-amd64', digest },
    ]);
  });

  test.each([
    [
      { repository: spec.repository, insecure: false },
      `https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/images/_/image/${digest}/details?region=eu-west-1`,
    ],
    [
      {
        repository: 'registry.gitlab.example/g/p',
        insecure: false,
        gitlab: { registry: 'registry.gitlab.example', projectUrl: 'https://gitlab.example/g/p' },
      },
      'https://gitlab.example/g/p/container_registry',
    ],
    [{ repository: '127.0.0.1:5000/a', insecure: true }, `http://127.0.0.1:5000/v2/a/manifests/${digest}`],
  ])('imageUrl %j', (input, url) => {
    expect(imageUrl({ ...input, digest })).toBe(url);
  });

  test('annotations: GitLab format, a link for the digest and each tag now at it', () => {
    const report = buildReport({
      spec,
      indexDigest: digest,
      mediaType: 'x',
      tags: [
        { tag: 'web-20261123-abc1234', status: 'created' },
        { tag: 'web-latest', status: 'skipped-newer' },
      ],
      childDigests: {},
    });
    expect(buildAnnotations(report, 'https://u')).toEqual({
      kiln: [
        { external_link: { label: `${spec.repository}@${digest}`, url: 'https://u' } },
        { external_link: { label: `${spec.repository}:web-20261123-abc1234`, url: 'https://u' } },
      ],
    });
  });
});
