// The test harness itself: a real distribution registry, with and without htpasswd, and buildah pushes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createImageBuilder,
  type ImageBuilder,
  skopeoInspect,
  startRegistry,
  type TestRegistry,
} from '../../harness/registry.js';

describe('startRegistry', () => {
  let open: TestRegistry;
  let locked: TestRegistry;
  let builder: ImageBuilder;
  beforeAll(async () => {
    [open, locked, builder] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: { username: 'kiln', password: 'harness-secret' } }),
      createImageBuilder(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), builder?.cleanup()]);
  });

  test('without auth, /v2/ answers 200 and a pushed arm64 image reads back as arm64', async () => {
    expect((await fetch(`${open.url}/v2/`)).status).toBe(200);
    const pushed = await builder.push({ reference: `${open.host}/harness/app:one`, platform: 'linux/arm64' });
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const info = await skopeoInspect(`${open.host}/harness/app:one`);
    expect(info['Architecture']).toBe('arm64');
    expect(info['Digest']).toBe(pushed.digest);
  });

  test('with htpasswd, anonymous is refused and the credentials are accepted', async () => {
    expect((await fetch(`${locked.url}/v2/`)).status).toBe(401);
    const basic = Buffer.from('kiln:harness-secret').toString('base64');
    expect((await fetch(`${locked.url}/v2/`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(
      200,
    );
    const pushed = await builder.push({
      reference: `${locked.host}/harness/app:two`,
      platform: 'linux/amd64',
      format: 'docker',
      auth: { username: 'kiln', password: 'harness-secret' },
    });
    expect(pushed.digest).toMatch(/^sha256:/);
  });

  test('stop() frees the port', async () => {
    const registry = await startRegistry();
    await registry.stop();
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });
});
