// kiln summary against a real distribution registry: two manifest jobs publish (children pushed
// with buildah), their reports land side by side as GitLab hands them to a later job, and the
// summary joins them, checked against what skopeo reads from the registry.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import type { ImagesDocument } from '../../../src/manifest/summary.js';
import {
  type ManifestTestbed,
  preparePipeline,
  startManifestTestbed,
} from '../../harness/manifest-fixture.js';
import { skopeoInspect } from '../../harness/registry.js';

const run = promisify(execFile);
let testbed: ManifestTestbed;
/** The summary job's folder: every manifest job's kiln-reports/ merged, as GitLab extracts artifacts. */
let jobDir: string;
const published: Record<string, string> = {};
/** The child pipeline's id, the same in its manifest jobs and its summary job. */
const PIPELINE = '4711';

function context(cwd: string, env: Record<string, string> = {}) {
  const log = createMemoryLogger();
  return Object.assign({ cwd, env, now: new Date('2026-11-23T12:00:00Z'), log } satisfies Context, { log });
}

beforeAll(async () => {
  testbed = await startManifestTestbed('kiln-summary-');
  jobDir = await mkdtemp(path.join(tmpdir(), 'kiln-summary-job-'));
  for (const project of ['api', 'web']) {
    const fx = await preparePipeline({
      ...testbed,
      project,
      name: `kiln/${project}`,
      defaultTag: `${project}-20261123-abc1234`,
      extraTags: [`${project}-latest`],
      created: '2026-11-23T11:00:00Z',
    });
    const ctx = context(testbed.dir, { CI_PIPELINE_ID: PIPELINE });
    expect(
      await main(
        [
          'manifest',
          '--project',
          project,
          '--spec',
          fx.specFile,
          '--report',
          path.join(jobDir, 'kiln-reports', `${project}.json`),
        ],
        ctx,
      ),
    ).toBe(0);
    published[project] = ctx.log.stdout.join('').trim();
  }
}, 180_000);

afterAll(async () => {
  await testbed?.stop();
  if (jobDir) await rm(jobDir, { recursive: true, force: true });
});

describe('kiln summary', () => {
  test('joins the reports into kiln-images.json, each image as the registry holds it, and links them', async () => {
    // A report an earlier pipeline left in the workspace (GIT_STRATEGY none) is not this pipeline's.
    const stale = JSON.parse(await readFile(path.join(jobDir, 'kiln-reports', 'api.json'), 'utf8'));
    await writeFile(
      path.join(jobDir, 'kiln-reports', 'old.json'),
      JSON.stringify({ ...stale, project: 'old', pipelineId: '4000' }),
    );
    const ctx = context(jobDir, {
      CI_PIPELINE_ID: PIPELINE,
      CI_COMMIT_SHA: 'c'.repeat(40),
      // What GitLab passes a later job from the manifest jobs' dotenv reports.
      KILN_IMAGE_API: published['api'] ?? '',
      KILN_IMAGE_WEB: published['web'] ?? '',
    });
    expect(await main(['summary'], ctx)).toBe(0);
    const document = JSON.parse(
      await readFile(path.join(jobDir, 'kiln-images.json'), 'utf8'),
    ) as ImagesDocument;
    expect(document.pipeline).toEqual({ id: '4711', commit: 'c'.repeat(40) });
    expect(document.images.map((i) => i.project)).toEqual(['api', 'web']);
    for (const image of document.images) {
      expect(image.reference).toBe(published[image.project]);
      expect(image.tags).toEqual([`${image.project}-20261123-abc1234`, `${image.project}-latest`]);
      for (const tag of image.tags)
        expect((await skopeoInspect(`${image.image}:${tag}`))['Digest']).toBe(image.indexDigest);
      expect(image.children.map((c) => c.platform)).toEqual(['linux/amd64', 'linux/arm64']);
      for (const child of image.children) {
        const inspected = await skopeoInspect(`${image.image}@${child.digest}`);
        expect(`linux/${inspected['Architecture']}`).toBe(child.platform);
      }
    }
    const annotations = JSON.parse(
      await readFile(path.join(jobDir, 'kiln-summary-annotations.json'), 'utf8'),
    );
    expect(
      annotations['kiln images'].map((a: { external_link: { label: string } }) => a.external_link.label),
    ).toEqual([`api: ${published['api']}`, `web: ${published['web']}`]);
    const table = ctx.log.stdout.join('');
    expect(table).toMatch(/^PROJECT\s+INDEX\s+PLATFORMS\s+TAGS\n/);
    expect(table).toContain('amd64,arm64');
  });

  test('a dotenv variable naming another digest than the report fails the job, naming both', async () => {
    const other = `${published['api']?.split('@')[0]}@sha256:${'0'.repeat(64)}`;
    const ctx = context(jobDir, { CI_PIPELINE_ID: PIPELINE, KILN_IMAGE_API: other });
    expect(await main(['summary', '--output', 'elsewhere.json'], ctx)).toBe(1);
    const errors = ctx.log.stderr.join('');
    expect(errors).toContain(
      `KILN_IMAGE_API is ${other}, but the manifest report of api says ${published['api']}`,
    );
  });

  test('a tag moved since by a newer pipeline is warned about and left out of kiln-images.json', async () => {
    const web = JSON.parse(await readFile(path.join(jobDir, 'kiln-reports', 'web.json'), 'utf8'));
    // web-latest now names the amd64 image, as if another pipeline had pushed there.
    await run('skopeo', [
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${web.image}@${web.children[0].digest}`,
      `docker://${web.image}:web-latest`,
    ]);
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-summary-moved-'));
    try {
      await mkdir(path.join(dir, 'kiln-reports'));
      await writeFile(path.join(dir, 'kiln-reports', 'web.json'), JSON.stringify(web));
      const ctx = context(dir, { CI_PIPELINE_ID: PIPELINE });
      expect(await main(['summary'], ctx)).toBe(0);
      expect(ctx.log.stderr.join('')).toContain(
        `${web.image}:web-latest names ${web.children[0].digest} now, not ${web.indexDigest}`,
      );
      const document = JSON.parse(
        await readFile(path.join(dir, 'kiln-images.json'), 'utf8'),
      ) as ImagesDocument;
      expect(document.images[0]?.tags).toEqual(['web-20261123-abc1234']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('projects sharing one dotenv variable are not checked against it; no report at all fails', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-summary-shared-'));
    try {
      await mkdir(path.join(dir, 'kiln-reports'));
      const api = JSON.parse(await readFile(path.join(jobDir, 'kiln-reports', 'api.json'), 'utf8'));
      for (const project of ['a-b', 'a_b']) {
        await writeFile(
          path.join(dir, 'kiln-reports', `${project}.json`),
          JSON.stringify({ ...api, project }),
        );
      }
      const ctx = context(dir, { CI_PIPELINE_ID: PIPELINE, KILN_IMAGE_A_B: 'whichever GitLab kept' });
      expect(await main(['summary'], ctx)).toBe(0);
      expect(ctx.log.stderr.join('')).toContain(
        'dotenv: not checked, one variable for several projects: KILN_IMAGE_A_B (a_b, a-b)',
      );

      const empty = context(dir, { CI_PIPELINE_ID: '9999' });
      expect(await main(['summary'], empty)).toBe(1);
      expect(empty.log.stderr.join('')).toMatch(/no manifest report of this pipeline in .*kiln-reports/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('kiln manifest removes reports of other pipelines from kiln-reports/, and keeps its siblings', async () => {
    const reports = path.join(testbed.dir, 'kiln-reports');
    await mkdir(reports, { recursive: true });
    const api = await readFile(path.join(jobDir, 'kiln-reports', 'api.json'), 'utf8');
    await writeFile(path.join(reports, 'api.json'), api);
    // A sibling's report half written (in a shared checkout): neither a crash nor removed.
    await writeFile(path.join(reports, 'half.json'), '{"project": "half", "pipel');
    await writeFile(
      path.join(reports, 'gone.json'),
      JSON.stringify({ ...JSON.parse(api), project: 'gone', pipelineId: '12' }),
    );
    const fx = await preparePipeline({
      ...testbed,
      project: 'cli',
      name: 'kiln/cli',
      defaultTag: 'cli-20261123-abc1234',
      created: '2026-11-23T11:00:00Z',
    });
    const ctx = context(testbed.dir, { CI_PIPELINE_ID: PIPELINE });
    expect(await main(['manifest', '--project', 'cli', '--spec', fx.specFile], ctx)).toBe(0);
    expect((await readdir(reports)).sort()).toEqual(['api.json', 'cli.json', 'half.json']);
    expect(ctx.log.stderr.join('')).toContain('removed kiln-reports/gone.json, a report of another pipeline');
  });

  test('an index that is not in the registry fails the job', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-summary-missing-'));
    try {
      const report = JSON.parse(await readFile(path.join(jobDir, 'kiln-reports', 'web.json'), 'utf8'));
      report.indexDigest = `sha256:${'1'.repeat(64)}`;
      await mkdir(path.join(dir, 'kiln-reports'));
      await writeFile(path.join(dir, 'kiln-reports', 'web.json'), JSON.stringify(report));
      const ctx = context(dir);
      expect(await main(['summary'], ctx)).toBe(1);
      expect(ctx.log.stderr.join('')).toContain(
        `${report.image}@sha256:${'1'.repeat(64)} is not in the registry`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a file in kiln-reports/ that is not a report is refused by name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-summary-foreign-'));
    try {
      await mkdir(path.join(dir, 'kiln-reports'));
      await writeFile(path.join(dir, 'kiln-reports', 'notes.json'), '{"hello": 1}');
      const ctx = context(dir);
      expect(await main(['summary'], ctx)).toBe(1);
      expect(ctx.log.stderr.join('')).toMatch(/kiln-reports\/notes\.json is not a manifest report of kiln/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
