// Keyless signing, end to end with the real cosign and syft, and verified by stock cosign.
// Fulcio, Rekor and GitLab's OIDC issuer cannot run here: test/harness/sigstore-contract.ts runs
// local servers on 127.0.0.1 that answer as their documented APIs do (a test CA, CT log key, Rekor
// key and token issuer; that file says what each one checks). cosign signs against them through
// kiln's sigstore_fulcio_url / sigstore_rekor_url, trusting that root through cosign's own
// SIGSTORE_ROOT_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and SIGSTORE_REKOR_PUBLIC_KEY, as a job
// signing against a private Sigstore does. Then `cosign verify --certificate-identity
// --certificate-oidc-issuer`, with the identity and issuer the README gives, checks the chain,
// the embedded SCT, the Rekor entry's signed timestamp and the identity.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREDICATE_TYPES } from '../../../src/attest/cosign-args.js';
import type { SigningSpec } from '../../../src/types.js';
import {
  expectTagsOnIndex,
  type Published,
  publishForSigning,
  runKiln,
} from '../../harness/attest-fixture.js';
import { REPO_ROOT } from '../../harness/component-template.js';
import { attestedStatements, cosignVerify, type KeylessIdentity } from '../../harness/cosign.js';
import { goTool } from '../../harness/go-tools.js';
import { type ManifestTestbed, startManifestTestbed } from '../../harness/manifest-fixture.js';
import { type SigstoreContract, startSigstoreContract } from '../../harness/sigstore-contract.js';
import { requireTool } from '../../harness/tools.js';

let testbed: ManifestTestbed;
let sigstore: SigstoreContract;
/** A second Sigstore with its own CA, CT log and Rekor keys: a trust root that did not sign. */
let stranger: SigstoreContract;
let cosign: string;
let syft: string;
let readmeIdentity: { identity: string; issuer: string };
let counter = 0;

beforeAll(async () => {
  requireTool('skopeo', 'skopeo');
  cosign = goTool('cosign');
  syft = goTool('syft');
  testbed = await startManifestTestbed('kiln-keyless-');
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /<!-- verify:keyless -->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  readmeIdentity = {
    identity: /--certificate-identity '([^']+)'/.exec(block)?.[1] ?? '',
    issuer: /--certificate-oidc-issuer '([^']+)'/.exec(block)?.[1] ?? '',
  };
  expect(readmeIdentity.identity, 'the README gives the keyless identity').toMatch(/^https:\/\//);
  expect(readmeIdentity.issuer, 'the README gives the keyless issuer').toMatch(/^https:\/\//);
  sigstore = await startSigstoreContract(testbed.dir, { issuer: readmeIdentity.issuer });
  const strangerDir = path.join(testbed.dir, 'stranger');
  await mkdir(strangerDir);
  stranger = await startSigstoreContract(strangerDir, { issuer: readmeIdentity.issuer });
}, 900_000);

afterAll(async () => {
  await sigstore?.stop();
  await stranger?.stop();
  await testbed?.stop();
});

function signing(contract: SigstoreContract): SigningSpec {
  return {
    mode: 'keyless',
    fulcioUrl: contract.fulcioUrl,
    rekorUrl: contract.rekorUrl,
    sbomFormat: 'spdx-json',
  };
}

/** The manifest job's variables: its ID token and the private Sigstore's trust root. */
function jobEnv(token: string): Record<string, string> {
  return {
    PATH: `${path.dirname(cosign)}:${path.dirname(syft)}:${process.env['PATH']}`,
    HOME: testbed.dir,
    CI_PIPELINE_ID: '91',
    CI_PROJECT_URL: 'https://gitlab.example.com/group/images',
    CI_COMMIT_REF_NAME: 'main',
    SIGSTORE_ID_TOKEN: token,
    ...sigstore.trustEnv,
  };
}

async function verify(args: string[], keyless: Partial<KeylessIdentity> = {}) {
  return cosignVerify({
    cosign,
    args,
    home: testbed.dir,
    keyless: { ...readmeIdentity, trustEnv: sigstore.trustEnv, ...keyless },
  });
}

describe('keyless against the Sigstore contract servers', () => {
  let fx: Published;
  let token: string;
  let attest: Awaited<ReturnType<typeof runKiln>>;
  const before = { certificates: 0, entries: 0 };

  beforeAll(async () => {
    // The README's identity is group/images on main at the README's GitLab.
    token = sigstore.idToken({ projectPath: 'group/images', ref: 'main' });
    const env = jobEnv(token);
    counter += 1;
    fx = await publishForSigning(testbed, { project: `keyless${counter}`, signing: signing(sigstore), env });
    before.certificates = sigstore.certificates.length;
    before.entries = sigstore.entries.length;
    attest = await runKiln(testbed.dir, ['attest', '--project', fx.spec.project, '--spec', fx.specFile], env);
  }, 600_000);

  test('kiln attest signs and attests with a Fulcio certificate and Rekor entries, and prints no token', () => {
    expect(attest.stderr).not.toMatch(/error/);
    expect(attest.code).toBe(0);
    expect(attest.stderr).toContain(
      `signing keyless: Fulcio ${sigstore.fulcioUrl}, Rekor ${sigstore.rekorUrl}`,
    );
    for (const part of [token, ...token.split('.')]) {
      expect(attest.stdout + attest.stderr).not.toContain(part);
    }
    // One short-lived certificate and one Rekor entry per signature: 5 attestations (an SBOM and a
    // provenance per child, a provenance for the index) and 3 image signatures (cosign's one sign
    // run asks Fulcio once per image).
    const issued = sigstore.certificates.slice(before.certificates);
    expect(issued).toHaveLength(8);
    expect(new Set(issued.map((c) => c.identity))).toEqual(new Set([readmeIdentity.identity]));
    const kinds = sigstore.entries.slice(before.entries).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'dsse')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'hashedrekord')).toHaveLength(3);
  });

  test("stock cosign verify passes for the index and each child with the README's identity and issuer", async () => {
    const images = [fx.indexDigest, fx.digests['amd64'], fx.digests['arm64']].map(
      (d) => `${fx.spec.repository}@${d}`,
    );
    for (const image of images) {
      const signed = await verify(['verify', image]);
      expect(signed.stderr, image).toContain(
        'The code-signing certificate was verified using trusted certificate authority certificates',
      );
      expect(signed.ok, signed.stderr).toBe(true);
      const provenance = await verify(['verify-attestation', '--type', PREDICATE_TYPES.provenance, image]);
      expect(provenance.ok, provenance.stderr).toBe(true);
      const [statement] = attestedStatements(provenance.stdout);
      expect(statement?.subject[0]?.digest.sha256).toBe(image.split('@sha256:')[1]);
    }
    for (const image of images.slice(1)) {
      const sbom = await verify(['verify-attestation', '--type', PREDICATE_TYPES['spdx-json'], image]);
      expect(sbom.ok, sbom.stderr).toBe(true);
    }
    await expectTagsOnIndex(fx);
  });

  test('verification fails for another branch, another issuer, and a trust root whose CA, CT log or Rekor did not sign', async () => {
    const image = `${fx.spec.repository}@${fx.indexDigest}`;
    const otherBranch = await verify(['verify', image], {
      identity: readmeIdentity.identity.replace('@refs/heads/main', '@refs/heads/feature'),
    });
    expect(otherBranch.ok).toBe(false);
    expect(otherBranch.stderr).toMatch(/none of the expected identities matched/i);
    const otherIssuer = await verify(['verify', image], { issuer: 'https://gitlab.com' });
    expect(otherIssuer.ok).toBe(false);
    expect(otherIssuer.stderr).toMatch(/none of the expected identities matched/i);
    const only = (variable: string) => ({
      trustEnv: { ...sigstore.trustEnv, [variable]: stranger.trustEnv[variable] as string },
    });
    const otherCa = await verify(['verify', image], only('SIGSTORE_ROOT_FILE'));
    expect(otherCa.ok).toBe(false);
    expect(otherCa.stderr).toMatch(/certificate signed by unknown authority/);
    const otherCtLog = await verify(['verify', image], only('SIGSTORE_CT_LOG_PUBLIC_KEY_FILE'));
    expect(otherCtLog.ok).toBe(false);
    expect(otherCtLog.stderr).toMatch(/ctfe public key not found/);
    const otherRekor = await verify(['verify', image], only('SIGSTORE_REKOR_PUBLIC_KEY'));
    expect(otherRekor.ok).toBe(false);
    expect(otherRekor.stderr).toMatch(/rekor log public key not found/);
  });
});

describe('a Fulcio that refuses the token', () => {
  test("fails the job with Fulcio's answer, prints no token, and leaves every tag on the index", async () => {
    // Same claims, signed by another issuer's key: kiln's own check of the claims passes, and only
    // Fulcio, checking the signature against the issuer's keys, can refuse it.
    const forged = stranger.idToken({ projectPath: 'group/images', ref: 'main' });
    const env = jobEnv(forged);
    counter += 1;
    const fx = await publishForSigning(testbed, {
      project: `keyless${counter}`,
      signing: signing(sigstore),
      env,
    });
    const failed = await runKiln(
      testbed.dir,
      ['attest', '--project', fx.spec.project, '--spec', fx.specFile],
      env,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/error: cosign attest --type \w+ \S+@sha256:\S+ failed \(exit 1\)/);
    expect(failed.stderr).toContain('401 Unauthorized');
    expect(failed.stderr).toContain('token signature does not verify');
    expect(failed.stderr).toContain('the index and every tag are pushed and complete');
    for (const part of [forged, ...forged.split('.')]) {
      expect(failed.stdout + failed.stderr).not.toContain(part);
    }
    await expectTagsOnIndex(fx);
    const unsigned = await verify(['verify', `${fx.spec.repository}@${fx.indexDigest}`]);
    expect(unsigned.ok).toBe(false);
    expect(unsigned.stderr).toMatch(/no signatures found/);
  });
});
