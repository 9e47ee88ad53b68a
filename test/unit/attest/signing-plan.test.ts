// Signing from settings to the child pipeline: what the plan records for kiln attest (build args
// as written, the pinned source), how the manifest job changes (kiln attest after kiln manifest,
// SBOM artifacts, the cyclonedx report, keyless's ID token), and that every variant stays valid
// against GitLab's CI schema.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseManifestSpec } from '../../../src/manifest/manifest-spec.js';
import { renderChildPipeline } from '../../../src/render/render-child-pipeline.js';
import { gitlabCiErrors } from '../../harness/gitlab-ci-schema.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { MONOREPO_SHA, PIPELINE, planOf, project, SHA_A } from '../plan/fixtures.js';

type Job = {
  script: string[];
  variables?: Record<string, string>;
  artifacts?: { paths: string[]; reports?: Record<string, string> };
  id_tokens?: Record<string, { aud: string }>;
};

const app = project('app', {
  build_args: [
    { name: 'TOKEN', value: '${UPSTREAM_TOKEN}' },
    { name: 'VERSION', value: '1.2.3' },
  ],
  target: 'runtime',
});

function manifestJob(plan: ReturnType<typeof planOf>, name = 'app'): Job {
  const doc = resolveExtends(parse(renderChildPipeline(plan))) as Record<string, Job>;
  const job = doc[`manifest:${name}`];
  if (!job) throw new Error(`no manifest:${name} in ${Object.keys(doc).join(', ')}`);
  return job;
}

describe('signing: none (the default)', () => {
  test('the manifest job runs kiln manifest alone and keeps no SBOMs', () => {
    const plan = planOf([app]);
    expect(plan.signing).toBeUndefined();
    expect(plan.projects[0]?.manifest.spec.signing).toBeUndefined();
    const job = manifestJob(plan);
    expect(job.script).toEqual(['kiln manifest --project app']);
    expect(job.artifacts?.paths).not.toContain('kiln-sbom/');
    expect(job.id_tokens?.['SIGSTORE_ID_TOKEN']).toBeUndefined();
  });
});

describe('signing: key', () => {
  const plan = planOf([app], undefined, 'push', { signing: 'key' });
  const spec = plan.projects[0]!.manifest.spec;

  test('the spec carries the key settings and the build as the plan knows it', () => {
    expect(spec.signing).toEqual({
      mode: 'key',
      key: 'COSIGN_PRIVATE_KEY',
      passwordVariable: 'COSIGN_PASSWORD',
      sbomFormat: 'spdx-json',
    });
    expect(spec.provenance).toEqual({
      source: { uri: 'https://git.example.com/up/app.git', ref: 'main', sha: SHA_A },
      contextPath: '.',
      dockerfile: 'Dockerfile',
      target: 'runtime',
      // The text of the config: the build job's shell expands ${UPSTREAM_TOKEN}, never kiln.
      buildArgs: { TOKEN: '${UPSTREAM_TOKEN}', VERSION: '1.2.3' },
      builder: { name: 'kaniko', image: 'martizih/kaniko:v1.28.3-debug' },
      buildJobs: [
        { platform: 'linux/amd64', job: 'build:app:amd64' },
        { platform: 'linux/arm64', job: 'build:app:arm64' },
      ],
    });
  });

  test('the spec round-trips through the manifest job’s parser', () => {
    expect(parseManifestSpec(JSON.stringify(spec), 'KILN_MANIFEST_SPEC')).toEqual(spec);
  });

  test('the manifest job runs kiln attest after kiln manifest and keeps the SBOMs', () => {
    const job = manifestJob(plan);
    expect(job.script).toEqual(['kiln manifest --project app', 'kiln attest --project app']);
    expect(job.artifacts?.paths).toContain('kiln-sbom/');
    expect(job.artifacts?.reports?.['cyclonedx']).toBeUndefined();
    expect(job.id_tokens?.['SIGSTORE_ID_TOKEN']).toBeUndefined();
  });

  test('a local-context project records the monorepo commit and its folder', () => {
    const local = planOf([project('web', { use_local_context: true })], undefined, 'push', {
      signing: 'key',
    });
    expect(local.projects[0]!.manifest.spec.provenance?.source).toEqual({
      uri: PIPELINE.projectUrl,
      sha: MONOREPO_SHA,
      path: 'projects/web',
    });
  });

  test('a KMS key is passed on as its URI', () => {
    const kms = planOf([app], undefined, 'push', { signing: 'key', signingKey: 'awskms:///alias/kiln' });
    expect(kms.projects[0]!.manifest.spec.signing?.key).toBe('awskms:///alias/kiln');
  });
});

describe('signing: keyless', () => {
  const plan = planOf([app], undefined, 'push', {
    signing: 'keyless',
    sbomFormat: 'cyclonedx-json',
    sigstoreFulcioUrl: 'https://fulcio.internal.example',
    sigstoreRekorUrl: 'https://rekor.internal.example',
  });

  test('the manifest job gets a GitLab ID token for Sigstore and exposes the CycloneDX SBOMs as a report', () => {
    const job = manifestJob(plan);
    expect(job.id_tokens?.['SIGSTORE_ID_TOKEN']).toEqual({ aud: 'sigstore' });
    expect(job.artifacts?.reports?.['cyclonedx']).toBe('kiln-sbom/*.cdx.json');
    expect(plan.projects[0]!.manifest.spec.signing).toEqual({
      mode: 'keyless',
      fulcioUrl: 'https://fulcio.internal.example',
      rekorUrl: 'https://rekor.internal.example',
      sbomFormat: 'cyclonedx-json',
    });
  });

  test.each([
    ['key', { signing: 'key' as const }],
    ['keyless with CycloneDX', { signing: 'keyless' as const, sbomFormat: 'cyclonedx-json' as const }],
  ])('signing %s: the child pipeline is valid against GitLab CI schema', (_name, extra) => {
    const doc = parse(renderChildPipeline(planOf([app, project('base')], undefined, 'push', extra)));
    expect(gitlabCiErrors(doc)).toEqual([]);
  });
});
