// Credentials stay with the origin they were issued for. A real distribution registry does not
// redirect blobs to storage or name a token realm elsewhere, so a local HTTP server on 127.0.0.1
// plays the registry as the OCI distribution and token specs describe (Basic or Bearer challenge,
// 307 from a blob GET to storage), and a second local server plays the other origin — storage, a
// token realm — and records every header it receives.
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-blobs
// https://distribution.github.io/distribution/spec/auth/token/
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/log.js';
import { createAuthenticator } from '../../../src/registry/auth/authenticator.js';
import { createRegistryClient, sha256Digest } from '../../../src/registry/client.js';
import { type LocalListener, listenLocal } from '../../harness/net.js';

const USER = 'kiln-ci';
const PASSWORD = 'origin-Secret-0815';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const TOKEN = 'bearer-token-for-the-registry-only';
const blob = Buffer.from('{"architecture":"arm64","os":"linux"}');
const digest = sha256Digest(blob);
const RETRY = { attempts: 2, maxTotalMs: 2000, baseDelayMs: 5, maxDelayMs: 5 };

let registry: LocalListener;
let other: LocalListener;
/** Every request the other origin saw, with all its headers. */
const seenElsewhere: { url: string; headers: IncomingHttpHeaders }[] = [];
const seenByRegistry: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  other = await listenLocal(
    createServer((req, res) => {
      seenElsewhere.push({ url: req.url ?? '', headers: req.headers });
      const url = req.url ?? '';
      if (url.startsWith('/storage/')) {
        res.writeHead(200).end(blob);
      } else if (url.startsWith('/challenging-storage/')) {
        // A storage host (or whatever sits there) asking for credentials with a realm of its own.
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${other.host}/token",service="x"` })
          .end();
      } else if (url.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
      } else if (url.startsWith('/moved-token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
      } else {
        res.writeHead(404).end();
      }
    }),
  );
  registry = await listenLocal(
    createServer((req, res) => {
      seenByRegistry.push({ url: req.url ?? '', headers: req.headers });
      const url = req.url ?? '';
      const [, mode = '', kind = ''] = /^\/v2\/([^/]+)\/[^/]+\/(blobs|manifests)\//.exec(url) ?? [];
      if (url.startsWith('/token-redirect')) {
        res.writeHead(307, { location: `http://${other.host}/moved-token?scope=x` }).end();
        return;
      }
      if (url.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
        return;
      }
      const realm: Record<string, string> = {
        basic: '',
        bearer: `http://${registry.host}/token`,
        'remote-realm': `http://${other.host}/token`,
        'redirected-realm': `http://${registry.host}/token-redirect`,
      };
      const scheme = mode.replace(/-challenged$/, '');
      const expected = scheme === 'basic' ? BASIC : `Bearer ${TOKEN}`;
      if (req.headers.authorization !== expected) {
        const challenge =
          scheme === 'basic' ? 'Basic realm="kiln"' : `Bearer realm="${realm[scheme] ?? ''}",service="kiln"`;
        res.writeHead(401, { 'www-authenticate': challenge }).end();
        return;
      }
      if (kind === 'blobs') {
        const target = mode.endsWith('challenged') ? 'challenging-storage' : 'storage';
        res
          .writeHead(307, { location: `http://${other.host}/${target}/${digest}?X-Amz-Signature=abc` })
          .end();
        return;
      }
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    }),
  );
});
afterAll(async () => {
  await Promise.all([registry?.stop(), other?.stop()]);
});
beforeEach(() => {
  seenElsewhere.length = 0;
  seenByRegistry.length = 0;
});

function client() {
  return createRegistryClient({
    host: registry.host,
    insecure: true,
    log: createMemoryLogger(),
    credentials: { username: USER, password: PASSWORD },
    retry: RETRY,
  });
}

/** No header the other origin saw carries the Basic credential, the password or the token. */
function expectNoCredentialsElsewhere() {
  const everything = JSON.stringify(seenElsewhere);
  expect(everything).not.toContain(BASIC.slice(6));
  expect(everything).not.toContain(TOKEN);
  for (const seen of seenElsewhere) expect(seen.headers.authorization).toBeUndefined();
}

describe('credentials never leave their origin', () => {
  test.each(['basic', 'bearer'])(
    'a blob redirected to storage on another origin (%s): storage sees neither credential nor token',
    async (mode) => {
      expect(await client().getBlob(`${mode}/app`, digest)).toEqual(blob);
      expect(seenElsewhere.map((s) => s.url.split('?')[0])).toEqual([`/storage/${digest}`]);
      expectNoCredentialsElsewhere();
      // The registry itself did get them: the test would otherwise prove nothing.
      expect(seenByRegistry.some((s) => s.headers.authorization !== undefined)).toBe(true);
    },
  );

  test('a 401 from the storage host is not answered: its realm gets no credentials', async () => {
    const registryClient = client();
    // Holding a token already, the storage's 401 is the first the blob GET meets.
    expect(await registryClient.getManifest('bearer-challenged/app', 'v1')).toBeUndefined();
    await expect(registryClient.getBlob('bearer-challenged/app', digest)).rejects.toThrow(
      new RegExp(
        `GET failed: registry ${registry.host}, repository bearer-challenged/app, reference ${digest}: HTTP 401`,
      ),
    );
    expect(seenElsewhere.some((s) => s.url.startsWith('/token'))).toBe(false);
    expectNoCredentialsElsewhere();
  });

  test('the Basic credential goes to a token realm on another host because the registry named it', async () => {
    expect(await client().getManifest('remote-realm/app', 'v1')).toBeUndefined();
    const tokenRequests = seenElsewhere.filter((s) => s.url.startsWith('/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.headers.authorization).toBe(BASIC);
    // …and the token it issued goes back to the registry, nowhere else.
    expect(seenByRegistry.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('a token realm that redirects to another origin: the Basic credential stays behind', async () => {
    expect(await client().getManifest('redirected-realm/app', 'v1')).toBeUndefined();
    expect(seenElsewhere.map((s) => s.url.split('?')[0])).toEqual(['/moved-token']);
    expect(seenElsewhere[0]?.headers.authorization).toBeUndefined();
  });

  test('an https registry naming a plain-HTTP realm: no credential is sent over plain HTTP', async () => {
    const auth = createAuthenticator({
      host: 'registry.example',
      insecure: false,
      log: createMemoryLogger(),
      credentials: { username: USER, password: PASSWORD },
      retry: { policy: RETRY },
    });
    await expect(
      auth.challenge(`Bearer realm="http://${other.host}/token",service="x"`, 'repository:a:pull', undefined),
    ).rejects.toThrow(
      `registry registry.example named a plain-HTTP token realm (http://${other.host}/token); kiln sends credentials to it only over HTTPS`,
    );
    expect(seenElsewhere).toEqual([]);
  });
});
