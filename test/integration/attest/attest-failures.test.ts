// Signing that fails, with the real cosign and syft against a real registry: the job fails saying
// which step and why, prints no key, password, token or AWS secret, and leaves every tag on the
// complete index kiln manifest pushed.
// - KMS refusal: AWS KMS cannot run here. A local HTTPS server on 127.0.0.1 answers as KMS's
//   documented JSON 1.1 API does for a role without the permission: 400 AccessDeniedException
//   (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html). cosign reaches it
//   through its own `awskms://127.0.0.1:PORT/alias/…` endpoint form, trusting the test's
//   certificate through SSL_CERT_FILE.
// - Fulcio down: keyless with a Fulcio URL on a closed loopback port, and an ID token shaped as
//   GitLab's (unsigned: kiln only reads its claims, and Fulcio never answers).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SigningSpec } from '../../../src/types.js';
import { expectTagsOnIndex, publishForSigning, runKiln } from '../../harness/attest-fixture.js';
import { keepSigstoreOnLoopback } from '../../harness/cosign.js';
import { goTool } from '../../harness/go-tools.js';
import { type ManifestTestbed, startManifestTestbed } from '../../harness/manifest-fixture.js';
import { freePort, type LocalListener, listenLocal } from '../../harness/net.js';
import { requireTool } from '../../harness/tools.js';

const AWS_SECRET = 'kms-test-secret-access-key-9d2f';
let testbed: ManifestTestbed;
let kms: LocalListener;
let cert: string;
let cosign: string;
let syft: string;
const kmsCalls: { target: string; signed: boolean }[] = [];
let counter = 0;

beforeAll(async () => {
  requireTool('openssl', 'openssl');
  requireTool('skopeo', 'skopeo');
  cosign = goTool('cosign');
  syft = goTool('syft');
  testbed = await startManifestTestbed('kiln-attest-fail-');
  await keepSigstoreOnLoopback(testbed.dir);
  cert = path.join(testbed.dir, 'kms-cert.pem');
  const key = path.join(testbed.dir, 'kms-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    req.resume();
    req.on('end', () => {
      kmsCalls.push({
        target: String(req.headers['x-amz-target'] ?? ''),
        signed: String(req.headers.authorization ?? '').startsWith(
          'AWS4-HMAC-SHA256 Credential=AKIAKILNTEST/',
        ),
      });
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' }).end(
        JSON.stringify({
          __type: 'AccessDeniedException',
          Message:
            'User: arn:aws:sts::123456789012:assumed-role/kiln-ci/job is not authorized to perform: kms:GetPublicKey on resource: arn:aws:kms:eu-west-1:123456789012:key/1234 because no identity-based policy allows the kms:GetPublicKey action',
        }),
      );
    });
  });
  kms = await listenLocal(server);
}, 900_000);

afterAll(async () => {
  await kms?.stop();
  await testbed?.stop();
});

function jobEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: `${path.dirname(cosign)}:${path.dirname(syft)}:${process.env['PATH']}`,
    HOME: testbed.dir,
    CI_PIPELINE_ID: '91',
    ...extra,
  };
}

describe('a KMS that refuses', () => {
  test('fails the job with the refusal AWS gave, prints no AWS secret, and leaves every tag on the index', async () => {
    const env = jobEnv({
      AWS_ACCESS_KEY_ID: 'AKIAKILNTEST',
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_REGION: 'eu-west-1',
      // Go's TLS trusts the test's certificate, and nothing else changes.
      SSL_CERT_FILE: cert,
    });
    const signing: SigningSpec = {
      mode: 'key',
      key: `awskms://${kms.host}/alias/kiln`,
      sbomFormat: 'spdx-json',
    };
    counter += 1;
    const fx = await publishForSigning(testbed, { project: `fail${counter}`, signing, env });
    const failed = await runKiln(
      testbed.dir,
      ['attest', '--project', fx.spec.project, '--spec', fx.specFile],
      env,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`signing with a key: KMS key awskms://${kms.host}/alias/kiln`);
    expect(failed.stderr).toMatch(/error: cosign attest --type \w+ \S+@sha256:\S+ failed \(exit 1\)/);
    expect(failed.stderr).toContain('AccessDeniedException');
    expect(failed.stderr).toContain('the index and every tag are pushed and complete');
    expect(failed.stderr + failed.stdout).not.toContain(AWS_SECRET);
    // cosign asked KMS, with SigV4-signed requests, before it signed anything.
    expect(kmsCalls.length).toBeGreaterThan(0);
    expect(kmsCalls.every((c) => c.signed)).toBe(true);
    expect(kmsCalls.map((c) => c.target)).toContain('TrentService.GetPublicKey');
    await expectTagsOnIndex(fx);
  });
});

describe('Fulcio down', () => {
  test('keyless fails the job naming Fulcio, prints no ID token, and leaves every tag on the index', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'RS256', kid: 'test' })}.${part({
      iss: 'https://gitlab.example.com',
      aud: 'sigstore',
      sub: 'project_path:group/images:ref_type:branch:ref:main',
      ci_config_ref_uri: 'gitlab.example.com/group/images//.gitlab-ci.yml@refs/heads/main',
      exp: Math.floor(Date.now() / 1000) + 3600,
    })}.c2lnbmF0dXJlLXRoYXQtbm8tb25lLWNoZWNrcw`;
    const closed = await freePort();
    const signing: SigningSpec = {
      mode: 'keyless',
      fulcioUrl: `http://127.0.0.1:${closed}`,
      rekorUrl: `http://127.0.0.1:${closed}`,
      sbomFormat: 'cyclonedx-json',
    };
    const env = jobEnv({ SIGSTORE_ID_TOKEN: token });
    counter += 1;
    const fx = await publishForSigning(testbed, { project: `fail${counter}`, signing, env });
    const failed = await runKiln(
      testbed.dir,
      ['attest', '--project', fx.spec.project, '--spec', fx.specFile],
      env,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`signing keyless: Fulcio http://127.0.0.1:${closed}`);
    expect(failed.stderr).toMatch(/error: cosign attest --type cyclonedx \S+@sha256:\S+ failed \(exit 1\)/);
    expect(failed.stderr).toMatch(/fulcio|signing cert/i);
    expect(failed.stderr).toContain(`127.0.0.1:${closed}`);
    expect(failed.stderr + failed.stdout).not.toContain(token);
    expect(failed.stderr + failed.stdout).not.toContain(token.split('.')[1]!);
    // The SBOMs were written before signing failed: the job's artifacts still have them.
    const sbom = JSON.parse(
      await readFile(path.join(testbed.dir, 'kiln-sbom', `${fx.spec.project}-amd64.cdx.json`), 'utf8'),
    );
    expect(sbom.bomFormat).toBe('CycloneDX');
    await expectTagsOnIndex(fx);
  });
});
