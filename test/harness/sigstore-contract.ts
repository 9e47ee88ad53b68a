// Fulcio, Rekor and GitLab's OIDC issuer cannot run here. These are local HTTP servers on
// 127.0.0.1 that answer as their documented APIs do, with a test CA, a test CT log key, a test
// Rekor key and a test token issuer, so the real cosign can sign keyless against them and the
// real `cosign verify` can check the result against that trust root.
// - The token issuer: GitLab's OIDC discovery (/.well-known/openid-configuration) and its JWKS
//   (/oauth/discovery/keys); ID tokens are RS256 JWTs with GitLab's claims
//   (https://docs.gitlab.com/ci/secrets/id_token_authentication/).
// - Fulcio's v1 API, which cosign v2 calls (github.com/sigstore/fulcio pkg/api, LegacyClient):
//   POST /api/v1/signingCert with the token as bearer, the key's PEM and the token subject signed
//   with the key as proof of possession; 201 with the PEM chain, the SCT embedded in the leaf
//   (RFC 6962 §3.3), no SCT header. It checks the token as Fulcio does: signature against the
//   issuer's JWKS, `aud` sigstore, expiry, and GitLab's `ci_config_ref_uri`. The certificate
//   carries what Fulcio's GitLab principal embeds (SAN URI `https://` + ci_config_ref_uri, the
//   1.3.6.1.4.1.57264.1.* extensions; docs/oid-info.md).
// - Rekor's v1 API: POST /api/v1/log/entries for `hashedrekord` and `dsse` 0.0.1 entries, stored
//   canonicalized as Rekor does (RFC 8785 JSON; a DSSE entry as its envelope and payload hashes
//   and signatures, each signature checked first), answered 201 with the entry, its signed entry
//   timestamp and an RFC 6962 inclusion proof. A `hashedrekord` signature is not checked: the
//   entry carries only the digest, and Node cannot verify a prehashed ECDSA signature.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import {
  type Extension,
  extensions,
  keyHash,
  name,
  octetString,
  sequence,
  signCertificate,
  tbsCertificate,
  toPem,
  utf8String,
} from './der.js';
import { type LocalListener, listenLocal } from './net.js';

export interface IssuedCertificate {
  identity: string;
  issuer: string;
  subject: string;
}

export interface SigstoreContract {
  fulcioUrl: string;
  rekorUrl: string;
  /** The issuer the tokens name (`iss`), e.g. https://gitlab.example.com. */
  issuer: string;
  /** cosign's environment for this trust root: Fulcio's CA, the CT log's key, Rekor's key. */
  trustEnv: Record<string, string>;
  /** A GitLab ID token for a job of `projectPath` on `ref`, signed by the test issuer. */
  idToken(options: { projectPath: string; ref: string; audience?: string; omit?: string[] }): string;
  /** What Fulcio issued, in order. */
  certificates: IssuedCertificate[];
  /** What Rekor logged, in order: each entry's kind and canonical body. */
  entries: { kind: string; body: Record<string, unknown> }[];
  /** How many certificate requests Fulcio received. */
  fulcioRequests: number;
  stop(): Promise<void>;
}

/** RFC 8785 canonical JSON for what Rekor stores and signs: sorted keys, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const publicPem = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();

function uint(value: number | bigint, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let rest = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text);
}

// RFC 6962 §2.1: the Merkle tree hash and audit path over leaf hashes.
const nodeHash = (left: Buffer, right: Buffer) => sha256(Buffer.concat([Buffer.from([1]), left, right]));
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256('');
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}
function auditPath(index: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...auditPath(index, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...auditPath(index - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

export async function startSigstoreContract(
  dir: string,
  options: { issuer: string },
): Promise<SigstoreContract> {
  const issuerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // One key ID for every test issuer: a token signed by another issuer's key names this key.
  const kid = 'kiln-test-issuer-1';
  const ca = ecKey();
  const ctLog = ecKey();
  const rekor = ecKey();
  const now = Date.now();
  const rootName = name('kiln test', 'kiln test Fulcio root');
  const rootDer = signCertificate(
    tbsCertificate({
      serial: BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n,
      issuer: rootName,
      subject: rootName,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 86_400_000),
      publicKey: ca.publicKey,
      extensions: [extensions.basicConstraintsCA, extensions.keyUsageCA],
    }),
    ca.privateKey,
  );
  const rootPem = toPem(rootDer);
  const trustEnv = {
    SIGSTORE_ROOT_FILE: path.join(dir, 'fulcio-root.pem'),
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: path.join(dir, 'ctfe.pub'),
    SIGSTORE_REKOR_PUBLIC_KEY: path.join(dir, 'rekor.pub'),
  };
  await writeFile(trustEnv.SIGSTORE_ROOT_FILE, rootPem);
  await writeFile(trustEnv.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, publicPem(ctLog.publicKey));
  await writeFile(trustEnv.SIGSTORE_REKOR_PUBLIC_KEY, publicPem(rekor.publicKey));

  const listeners: LocalListener[] = [];
  const stop = async () => {
    await Promise.all(listeners.map((l) => l.stop()));
  };

  // The token issuer: discovery and keys, as GitLab serves them.
  const issuerServer = await listenLocal(
    createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        answer(res, 200, { issuer: options.issuer, jwks_uri: `${issuerServer.url}/oauth/discovery/keys` });
      } else if (req.url === '/oauth/discovery/keys') {
        const jwk = issuerKey.publicKey.export({ format: 'jwk' });
        answer(res, 200, { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] });
      } else answer(res, 404, { error: 'not found' });
    }),
  );
  listeners.push(issuerServer);

  const contract: SigstoreContract = {
    fulcioUrl: '',
    rekorUrl: '',
    issuer: options.issuer,
    trustEnv,
    certificates: [],
    entries: [],
    fulcioRequests: 0,
    stop,
    idToken({ projectPath, ref, audience = 'sigstore', omit = [] }) {
      const host = new URL(options.issuer).host;
      const iat = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        namespace_id: '41',
        namespace_path: projectPath.split('/')[0],
        project_id: '42',
        project_path: projectPath,
        user_id: '7',
        user_login: 'release-bot',
        pipeline_id: '91',
        pipeline_source: 'push',
        job_id: '1001',
        ref,
        ref_type: 'branch',
        ref_path: `refs/heads/${ref}`,
        ref_protected: 'true',
        runner_id: 5,
        runner_environment: 'self-hosted',
        sha: 'b'.repeat(40),
        project_visibility: 'internal',
        ci_config_ref_uri: `${host}/${projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
        ci_config_sha: 'b'.repeat(40),
        jti: randomBytes(8).toString('hex'),
        iss: options.issuer,
        iat,
        nbf: iat - 5,
        exp: iat + 3600,
        sub: `project_path:${projectPath}:ref_type:branch:ref:${ref}`,
        aud: audience,
      };
      for (const claim of omit) delete claims[claim];
      const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
      return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), issuerKey.privateKey))}`;
    },
  };

  /** Fulcio's token check: what it would answer 401 for, or the claims. */
  async function checkToken(token: string): Promise<Record<string, unknown> | string> {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return 'malformed token';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (claims['iss'] !== options.issuer) return `unsupported issuer ${String(claims['iss'])}`;
    const discovery = (await (
      await fetch(`${issuerServer.url}/.well-known/openid-configuration`)
    ).json()) as {
      jwks_uri: string;
    };
    const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
    const { kid: keyId } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string };
    const jwk = keys.find((k) => k.kid === keyId);
    if (!jwk) return 'no key for the token';
    const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
      return 'token signature does not verify';
    const aud = ([] as unknown[]).concat(claims['aud']);
    if (!aud.includes('sigstore')) return `expected audience "sigstore" got ${JSON.stringify(claims['aud'])}`;
    if (Number(claims['exp']) * 1000 < Date.now()) return 'token expired';
    if (typeof claims['ci_config_ref_uri'] !== 'string') return 'token has no ci_config_ref_uri claim';
    return claims;
  }

  function issue(claims: Record<string, unknown>, publicKey: KeyObject): string {
    const iss = String(claims['iss']);
    const configUri = `${new URL(iss).protocol}//${String(claims['ci_config_ref_uri'])}`;
    const text = (oid: string, value: string): Extension => ({
      oid: `1.3.6.1.4.1.57264.1.${oid}`,
      value: utf8String(value),
    });
    const repository = `${iss}/${String(claims['project_path'])}`;
    const start = Math.floor(Date.now() / 1000) * 1000;
    const base = {
      serial: BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n,
      issuer: rootName,
      subject: sequence(),
      notBefore: new Date(start),
      notAfter: new Date(start + 600_000),
      publicKey,
      extensions: [
        extensions.keyUsageSigning,
        extensions.codeSigning,
        extensions.uriSan(configUri),
        { oid: '1.3.6.1.4.1.57264.1.1', value: Buffer.from(iss) },
        text('8', iss),
        text('9', configUri),
        text('11', String(claims['runner_environment'])),
        text('12', repository),
        text('13', String(claims['sha'])),
        text('14', String(claims['ref_path'])),
        text('18', configUri),
        text('21', `${repository}/-/jobs/${String(claims['job_id'])}`),
      ],
    };
    // RFC 6962 §3.2: the log signs the precertificate's TBS, which is the final TBS without the
    // SCT list; issuer_key_hash is the hash of the issuing CA's key.
    const timestamp = BigInt(Date.now());
    const signed = Buffer.concat([
      uint(0, 1), // v1
      uint(0, 1), // certificate_timestamp
      uint(timestamp, 8),
      uint(1, 2), // precert_entry
      keyHash(ca.publicKey),
      uint(tbsCertificate(base).length, 3),
      tbsCertificate(base),
      uint(0, 2), // no extensions
    ]);
    const sctSignature = sign('sha256', signed, ctLog.privateKey);
    const sct = Buffer.concat([
      uint(0, 1),
      keyHash(ctLog.publicKey),
      uint(timestamp, 8),
      uint(0, 2),
      uint(4, 1), // sha256
      uint(3, 1), // ecdsa
      uint(sctSignature.length, 2),
      sctSignature,
    ]);
    const sctList = Buffer.concat([uint(sct.length + 2, 2), uint(sct.length, 2), sct]);
    const leaf = signCertificate(
      tbsCertificate({
        ...base,
        extensions: [...base.extensions, { oid: '1.3.6.1.4.1.11129.2.4.2', value: octetString(sctList) }],
      }),
      ca.privateKey,
    );
    contract.certificates.push({ identity: configUri, issuer: iss, subject: String(claims['sub']) });
    return toPem(leaf) + rootPem;
  }

  const fulcio = await listenLocal(
    createServer(async (req, res) => {
      const body = await readBody(req);
      if (req.method !== 'POST' || req.url !== '/api/v1/signingCert') {
        answer(res, 404, { code: 404, message: 'not found' });
        return;
      }
      contract.fulcioRequests += 1;
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const claims = token ? await checkToken(token) : 'no bearer token';
      if (typeof claims === 'string') {
        answer(res, 401, {
          code: 16,
          message: `There was an error processing the identity token: ${claims}`,
        });
        return;
      }
      const request = JSON.parse(body) as { publicKey: { content: string }; signedEmailAddress: string };
      const publicKey = createPublicKey(Buffer.from(request.publicKey.content, 'base64').toString('utf8'));
      const subject = String(claims['sub']);
      if (
        !verify('sha256', Buffer.from(subject), publicKey, Buffer.from(request.signedEmailAddress, 'base64'))
      ) {
        answer(res, 400, { code: 3, message: 'The public key supplied in the request could not be parsed' });
        return;
      }
      res
        .writeHead(201, { 'Content-Type': 'application/pem-certificate-chain' })
        .end(issue(claims, publicKey));
    }),
  );
  listeners.push(fulcio);

  const logId = keyHash(rekor.publicKey).toString('hex');
  const treeId = '1193050959916656506';
  const leaves: Buffer[] = [];
  /** The canonical body Rekor stores for a proposed entry, or why it refuses it. */
  function canonicalEntry(proposed: {
    kind?: string;
    apiVersion?: string;
    spec?: Record<string, unknown>;
  }): Record<string, unknown> | string {
    if (proposed.apiVersion !== '0.0.1') return `unsupported apiVersion ${String(proposed.apiVersion)}`;
    if (proposed.kind === 'hashedrekord') return proposed as Record<string, unknown>;
    if (proposed.kind !== 'dsse') return `unsupported kind ${String(proposed.kind)}`;
    const content = proposed.spec?.['proposedContent'] as { envelope: string; verifiers: string[] };
    const envelope = JSON.parse(content.envelope) as {
      payload: string;
      payloadType: string;
      signatures: { sig: string }[];
    };
    const payload = Buffer.from(envelope.payload, 'base64');
    // DSSE's pre-authentication encoding (github.com/secure-systems-lab/dsse, protocol.md).
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${envelope.payloadType.length} ${envelope.payloadType} ${payload.length} `),
      payload,
    ]);
    const keys = content.verifiers.map((v) => new X509Certificate(Buffer.from(v, 'base64')).publicKey);
    const signatures = envelope.signatures.map((s) => {
      const verifier =
        content.verifiers[keys.findIndex((k) => verify('sha256', pae, k, Buffer.from(s.sig, 'base64')))];
      return { signature: s.sig, verifier };
    });
    if (signatures.some((s) => s.verifier === undefined)) return 'could not verify envelope signatures';
    return {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
        signatures,
      },
    };
  }
  const rekorServer = await listenLocal(
    createServer(async (req, res) => {
      const body = await readBody(req);
      if (req.method === 'GET' && req.url === '/api/v1/log/publicKey') {
        res.writeHead(200, { 'Content-Type': 'application/x-pem-file' }).end(publicPem(rekor.publicKey));
        return;
      }
      if (req.method !== 'POST' || req.url !== '/api/v1/log/entries') {
        answer(res, 404, { code: 404, message: 'not found' });
        return;
      }
      const entry = canonicalEntry(JSON.parse(body));
      if (typeof entry === 'string') {
        answer(res, 400, { code: 400, message: entry });
        return;
      }
      const bodyText = Buffer.from(canonicalJson(entry));
      const leafHash = sha256(Buffer.concat([Buffer.from([0]), bodyText]));
      const logIndex = leaves.length;
      leaves.push(leafHash);
      const integratedTime = Math.floor(Date.now() / 1000);
      const encoded = bodyText.toString('base64');
      const set = sign(
        'sha256',
        Buffer.from(canonicalJson({ body: encoded, integratedTime, logID: logId, logIndex })),
        rekor.privateKey,
      );
      const rootHash = treeHash(leaves);
      const origin = `kiln-test-rekor - ${treeId}`;
      const note = `${origin}\n${leaves.length}\n${rootHash.toString('base64')}\n`;
      const noteSignature = Buffer.concat([
        keyHash(rekor.publicKey).subarray(0, 4),
        sign('sha256', Buffer.from(note), rekor.privateKey),
      ]);
      const uuid = `${BigInt(treeId).toString(16).padStart(16, '0')}${leafHash.toString('hex')}`;
      contract.entries.push({ kind: String(entry['kind']), body: entry });
      answer(
        res,
        201,
        {
          [uuid]: {
            body: encoded,
            integratedTime,
            logID: logId,
            logIndex,
            verification: {
              inclusionProof: {
                checkpoint: `${note}\n— kiln-test-rekor ${noteSignature.toString('base64')}\n`,
                hashes: auditPath(logIndex, leaves).map((h) => h.toString('hex')),
                logIndex,
                rootHash: rootHash.toString('hex'),
                treeSize: leaves.length,
              },
              signedEntryTimestamp: set.toString('base64'),
            },
          },
        },
        { Location: `/api/v1/log/entries/${uuid}`, ETag: uuid },
      );
    }),
  );
  listeners.push(rekorServer);
  contract.fulcioUrl = fulcio.url;
  contract.rekorUrl = rekorServer.url;
  return contract;
}
