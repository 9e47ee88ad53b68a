// Registry authentication end to end: a real distribution registry with htpasswd (Basic), and the
// token flow (Bearer challenge) through a local token-auth front that follows the distribution
// token spec (no token server ships in Debian). Credentials from env, docker config.json and
// containers auth.json; anonymous access is refused with a message naming what was asked.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import { createRegistryClient } from '../../../src/registry/client.js';
import { preparePipeline } from '../../harness/manifest-fixture.js';
import {
  createImageBuilder,
  type ImageBuilder,
  startRegistry,
  type TestRegistry,
} from '../../harness/registry.js';
import { startTokenAuthProxy, type TokenAuthProxy } from '../../harness/token-auth-proxy.js';

const USER = 'kiln-ci';
const PASSWORD = 'htpasswd-Secret-4711';

let locked: TestRegistry;
let open: TestRegistry;
let tokenFront: TokenAuthProxy;
let builder: ImageBuilder;
let dir: string;
let counter = 0;

beforeAll(async () => {
  [locked, open, builder] = await Promise.all([
    startRegistry({ auth: { username: USER, password: PASSWORD } }),
    startRegistry(),
    createImageBuilder(),
  ]);
  tokenFront = await startTokenAuthProxy({ target: open.host, username: USER, password: PASSWORD });
  dir = await mkdtemp(path.join(tmpdir(), 'kiln-auth-'));
});
afterAll(async () => {
  await Promise.all([locked?.stop(), open?.stop(), tokenFront?.stop(), builder?.cleanup()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function job(env: Record<string, string>, registry: TestRegistry, host = registry.host) {
  counter += 1;
  const fx = await preparePipeline({
    registry,
    builder,
    dir,
    project: 'web',
    name: `auth/app${counter}`,
    defaultTag: `web-${counter}`,
    extraTags: ['web-latest'],
    created: '2026-11-23T10:00:00Z',
  });
  const spec = { ...fx.spec, repository: `${host}/auth/app${counter}` };
  const log = createMemoryLogger();
  const ctx: Context = {
    cwd: dir,
    env: { ...env, KILN_MANIFEST_SPEC: JSON.stringify(spec) },
    now: new Date(),
    log,
  };
  const code = await main(['manifest', '--project', 'web', '--report', `auth-${counter}.json`], ctx);
  return { code, output: log.stderr.join('') + log.stdout.join(''), spec };
}

describe('registry credentials', () => {
  test('KILN_REGISTRY_USER / KILN_REGISTRY_PASSWORD (Basic); the password never printed', async () => {
    const result = await job({ KILN_REGISTRY_USER: USER, KILN_REGISTRY_PASSWORD: PASSWORD }, locked);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('credentials from KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD');
    expect(result.output).not.toContain(PASSWORD);
  });

  test.each([
    {
      what: 'docker config.json with auth (base64)',
      variable: 'DOCKER_CONFIG',
      file: 'config.json',
      entry: (host: string) => ({
        [`https://${host}`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') },
      }),
    },
    {
      what: 'containers auth.json with username/password',
      variable: 'REGISTRY_AUTH_FILE',
      file: 'auth.json',
      entry: (host: string) => ({ [host]: { username: USER, password: PASSWORD } }),
    },
  ])('$what', async ({ variable, file, entry }) => {
    const folder = path.join(dir, `${variable}-${counter}`);
    await mkdir(folder, { recursive: true });
    const configFile = path.join(folder, file);
    await writeFile(
      configFile,
      JSON.stringify({ auths: { 'other.example:5000': { auth: 'eDp5' }, ...entry(locked.host) } }),
    );
    const result = await job({ [variable]: variable === 'DOCKER_CONFIG' ? folder : configFile }, locked);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('credentials from registry auth file');
  });

  test('anonymous against an htpasswd registry fails naming registry, repository, reference and status', async () => {
    const result = await job({}, locked);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      new RegExp(
        `GET failed: registry ${locked.host.replace('.', '\\.')}, repository auth/app\\d+, reference sha256:[0-9a-f]{64}: HTTP 401`,
      ),
    );
    expect(result.output).toContain('hint: check the registry credentials');
  });

  test('Bearer token challenge: pull scope to read, pull,push scope to write', async () => {
    const result = await job(
      { KILN_REGISTRY_USER: USER, KILN_REGISTRY_PASSWORD: PASSWORD },
      open,
      tokenFront.host,
    );
    expect(result.code, result.output).toBe(0);
    const name = result.spec.repository.slice(result.spec.repository.indexOf('/') + 1);
    expect(tokenFront.issued).toContain(`repository:${name}:pull`);
    expect(tokenFront.issued).toContain(`repository:${name}:pull,push`);
    // Tokens are cached per scope: one per scope, not one per request.
    expect(tokenFront.issued.filter((s) => s.includes(name))).toHaveLength(2);
  });

  test('Bearer with a wrong password fails at the token endpoint, clearly', async () => {
    const result = await job(
      { KILN_REGISTRY_USER: USER, KILN_REGISTRY_PASSWORD: 'wrong-password' },
      open,
      tokenFront.host,
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /token request to http:\/\/127\.0\.0\.1:\d+\/token for registry 127\.0\.0\.1:\d+ \(repository:auth\/app\d+:pull\) failed: HTTP 401/,
    );
    expect(result.output).not.toContain('wrong-password');
  });

  test('an expired Bearer token is replaced once, transparently', async () => {
    const fx = await job(
      { KILN_REGISTRY_USER: USER, KILN_REGISTRY_PASSWORD: PASSWORD },
      open,
      tokenFront.host,
    );
    const name = fx.spec.repository.slice(fx.spec.repository.indexOf('/') + 1);
    const client = createRegistryClient({
      host: tokenFront.host,
      insecure: true,
      log: createMemoryLogger(),
      credentials: { username: USER, password: PASSWORD },
    });
    expect(await client.headManifest(name, 'web-latest')).toBeDefined();
    const before = tokenFront.issued.length;
    tokenFront.expireTokens();
    expect((await client.headManifest(name, 'web-latest'))?.digest).toMatch(/^sha256:/);
    expect(tokenFront.issued.length).toBe(before + 1);
  });
});
