// The argv kiln attest gives cosign and syft, and where its key comes from. The flags are cosign
// v2's (held against the real binary in test/integration/attest/attest-key.test.ts).
import { describe, expect, test } from 'vitest';
import { attestArgs, resolveSigningKey, signArgs, syftArgs } from '../../../src/attest/cosign-args.js';
import { buildProvenance } from '../../../src/attest/provenance.js';
import { KilnError } from '../../../src/errors.js';
import type { ManifestSpec, SigningSpec } from '../../../src/types.js';

const KEY: SigningSpec = {
  mode: 'key',
  key: 'COSIGN_PRIVATE_KEY',
  passwordVariable: 'COSIGN_PASSWORD',
  sbomFormat: 'spdx-json',
};
const KEYLESS: SigningSpec = {
  mode: 'keyless',
  fulcioUrl: 'https://fulcio.example',
  rekorUrl: 'https://rekor.example',
  sbomFormat: 'cyclonedx-json',
};
const IMAGE = `registry.example.com/app@sha256:${'1'.repeat(64)}`;

function error(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
  throw new Error('expected a KilnError');
}

describe('resolveSigningKey', () => {
  test('a KMS URI is passed as it is, and needs no variable', () => {
    expect(resolveSigningKey({ ...KEY, key: 'awskms:///alias/kiln' }, {}, () => false).ref).toBe(
      'awskms:///alias/kiln',
    );
  });

  test('a file-type variable holds a path: cosign reads the file', () => {
    const key = resolveSigningKey(KEY, { COSIGN_PRIVATE_KEY: '/builds/tmp/COSIGN_PRIVATE_KEY' }, (f) =>
      f.startsWith('/builds/'),
    );
    expect(key).toEqual({ ref: '/builds/tmp/COSIGN_PRIVATE_KEY', source: 'the file in COSIGN_PRIVATE_KEY' });
  });

  test('a variable holding the PEM is read by cosign from the environment, never passed on the command line', () => {
    const pem =
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    const key = resolveSigningKey(KEY, { COSIGN_PRIVATE_KEY: pem }, () => false);
    expect(key.ref).toBe('env://COSIGN_PRIVATE_KEY');
    expect(JSON.stringify(key)).not.toContain('abc');
  });

  test('an unset variable names it and the fix', () => {
    const e = error(() => resolveSigningKey(KEY, {}, () => true));
    expect(e.message).toContain('COSIGN_PRIVATE_KEY, which is unset or empty');
    expect(e.hint).toContain('file-type CI/CD variable COSIGN_PRIVATE_KEY');
  });

  test('a path that is not there is named, the variable value being a path and no secret', () => {
    const e = error(() => resolveSigningKey(KEY, { COSIGN_PRIVATE_KEY: '/nope/key' }, () => false));
    expect(e.message).toContain('names the file /nope/key, which does not exist');
  });
});

describe('cosign and syft argv', () => {
  test('key mode signs with --key and no transparency log upload', () => {
    expect(signArgs([IMAGE], KEY, { ref: '/k', source: '' }, false)).toEqual([
      'sign',
      '--yes',
      '--key',
      '/k',
      '--tlog-upload=false',
      IMAGE,
    ]);
  });

  test('keyless uses the configured Fulcio and Rekor; a plain-HTTP registry is allowed only when it is one', () => {
    expect(signArgs([IMAGE, `${IMAGE}2`], KEYLESS, undefined, true)).toEqual([
      'sign',
      '--yes',
      '--fulcio-url=https://fulcio.example',
      '--rekor-url=https://rekor.example',
      '--allow-http-registry',
      '--allow-insecure-registry',
      IMAGE,
      `${IMAGE}2`,
    ]);
  });

  test('attest names the predicate type and file, the image last and by digest', () => {
    const args = attestArgs({
      image: IMAGE,
      predicateFile: '/w/p.json',
      type: 'slsaprovenance1',
      spec: KEY,
      key: { ref: '/k', source: '' },
      insecure: false,
    });
    expect(args.slice(-5)).toEqual(['--type', 'slsaprovenance1', '--predicate', '/w/p.json', IMAGE]);
  });

  test('syft scans the pushed image from the registry, never a daemon', () => {
    expect(syftArgs(IMAGE, 'cyclonedx-json', 'kiln-sbom/a.cdx.json')).toEqual([
      'scan',
      `registry:${IMAGE}`,
      '--output',
      'cyclonedx-json=kiln-sbom/a.cdx.json',
      '--quiet',
    ]);
  });
});

describe('buildProvenance', () => {
  const spec: ManifestSpec = {
    project: 'web',
    repository: 'registry.example.com/images',
    tags: ['web-1'],
    children: [],
    created: '2026-12-04T10:00:00Z',
    insecureRegistry: false,
    provenance: {
      source: { uri: 'https://gitlab.example.com/group/images', sha: 'b'.repeat(40), path: 'projects/web' },
      contextPath: '.',
      dockerfile: 'Dockerfile',
      target: '',
      buildArgs: { PASSWORD: '$DB_PASSWORD' },
      builder: { name: 'buildah', image: 'quay.io/buildah/stable:v1.42.0' },
      buildJobs: [{ platform: 'linux/amd64', job: 'build:web:amd64' }],
    },
  };

  test('a local context records the monorepo commit and folder; CI variables other than URLs and IDs stay out', () => {
    const env = {
      CI_PROJECT_URL: 'https://gitlab.example.com/group/images',
      DB_PASSWORD: 'hunter2',
      CI_JOB_TOKEN: 'tok',
    };
    const p = buildProvenance({
      spec,
      subject: { platform: 'linux/amd64' },
      env,
      finishedOn: '2026-12-04T10:05:00Z',
      kilnVersion: '1.0.0',
    });
    expect(p.buildDefinition.resolvedDependencies[0]).toEqual({
      uri: 'git+https://gitlab.example.com/group/images',
      digest: { gitCommit: 'b'.repeat(40) },
      annotations: { path: 'projects/web' },
    });
    expect(p.buildDefinition.externalParameters['buildArgs']).toEqual({ PASSWORD: '$DB_PASSWORD' });
    expect(JSON.stringify(p)).not.toMatch(/hunter2|"tok"/);
    expect(p.runDetails.metadata).toEqual({
      invocationId: '',
      startedOn: '2026-12-04T10:00:00Z',
      finishedOn: '2026-12-04T10:05:00Z',
    });
  });
});
