// AWS ECR cannot run here. This test talks to a local HTTP server on 127.0.0.1 that answers as
// ECR's documented API does: the AWS JSON 1.1 protocol (POST /, X-Amz-Target:
// AmazonEC2ContainerRegistry_V20150921.<Operation>, errors as {"__type": "...Exception"}), see
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/ — plus the registry side's refusal
// to overwrite an immutable tag (400 TAG_INVALID, the body ECR sends). Static test credentials in env.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/log.js';
import { resolveCredentials } from '../../../src/registry/auth/resolve-credentials.js';
import { createRegistryClient } from '../../../src/registry/client.js';
import { ecrCredentials } from '../../../src/registry/ecr/authorization-token.js';
import { ensureRepositories } from '../../../src/registry/ecr/ensure-repositories.js';
import { OCI_INDEX } from '../../../src/registry/media-types.js';

const ACCOUNT = '123456789012';
const ECR_HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const PASSWORD = 'ecr-registry-password-0123456789';
/** Created by a parallel pipeline between kiln's lookup and its create. */
const RACED = 'images/raced';

interface Seen {
  target: string;
  body: Record<string, unknown>;
  authorization: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('ECR adapter against a local server speaking ECR JSON 1.1', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  const existing = new Set(['images', RACED]);
  let denyToken = false;
  /** A role that may describe but not create repositories. */
  let denyCreate = false;
  /** A role set up before kiln looked repositories up: no ecr:DescribeRepositories. */
  let denyDescribe = false;

  beforeAll(async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDKILNTEST';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'kiln-test-secret-key';
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    server = createServer(async (req, res) => {
      const text = await readBody(req);
      // Registry side (the /v2/ API of an immutable ECR repository).
      if (req.url?.startsWith('/v2/')) {
        const expected = `Basic ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}`;
        if (req.headers.authorization !== expected) {
          res
            .writeHead(401, {
              'www-authenticate': `Basic realm="https://${ECR_HOST}/",service="ecr.amazonaws.com"`,
            })
            .end();
          return;
        }
        const tag = req.url.split('/manifests/')[1];
        res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end(
          JSON.stringify({
            errors: [
              {
                code: 'TAG_INVALID',
                message: `The image tag '${tag}' already exists in the 'images' repository and cannot be overwritten because the repository is immutable.`,
              },
            ],
          }),
        );
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      seen.push({ target, body, authorization: String(req.headers.authorization ?? '') });
      const reply = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      const operation = target.replace('AmazonEC2ContainerRegistry_V20150921.', '');
      if (operation === 'DescribeRepositories' && denyDescribe) {
        reply(400, {
          __type: 'AccessDeniedException',
          message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/ci/kiln is not authorized to perform: ecr:DescribeRepositories`,
        });
        return;
      }
      if (operation === 'DescribeRepositories') {
        const names = (body['repositoryNames'] as string[] | undefined) ?? [...existing];
        const missing = names.find((name) => !existing.has(name) || name === RACED);
        if (missing) {
          reply(400, {
            __type: 'RepositoryNotFoundException',
            message: `The repository with name '${missing}' does not exist in the registry with id '${ACCOUNT}'`,
          });
          return;
        }
        reply(200, {
          repositories: names.map((name) => ({
            registryId: ACCOUNT,
            repositoryName: name,
            repositoryUri: `${ECR_HOST}/${name}`,
          })),
        });
        return;
      }
      if (operation === 'CreateRepository') {
        const name = String(body['repositoryName']);
        if (denyCreate) {
          reply(400, {
            __type: 'AccessDeniedException',
            message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/ci/kiln is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name} because no identity-based policy allows the ecr:CreateRepository action`,
          });
          return;
        }
        if (existing.has(name)) {
          reply(400, {
            __type: 'RepositoryAlreadyExistsException',
            message: `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`,
          });
          return;
        }
        existing.add(name);
        reply(200, {
          repository: {
            registryId: ACCOUNT,
            repositoryName: name,
            repositoryArn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`,
            repositoryUri: `${ECR_HOST}/${name}`,
            createdAt: 1_763_900_000,
            imageTagMutability: body['imageTagMutability'] ?? 'MUTABLE',
          },
        });
        return;
      }
      if (operation === 'GetAuthorizationToken') {
        if (denyToken) {
          reply(400, {
            __type: 'AccessDeniedException',
            message:
              'User: arn:aws:sts::123456789012:assumed-role/ci is not authorized to perform: ecr:GetAuthorizationToken',
          });
          return;
        }
        reply(200, {
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
              expiresAt: 1_763_943_200,
              proxyEndpoint: `https://${ECR_HOST}`,
            },
          ],
        });
        return;
      }
      reply(400, { __type: 'InvalidParameterException', message: `unexpected operation ${target}` });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('ensureRepositories looks each up and creates the missing ones', async () => {
    const result = await ensureRepositories({
      region: 'eu-west-1',
      endpoint,
      repositories: ['images', `${ECR_HOST}/images/cache-amd64`, 'images/cache-arm64', 'images/cache-arm64'],
    });
    expect(result).toEqual({ created: ['images/cache-amd64', 'images/cache-arm64'], existing: ['images'] });
    const creates = seen.filter((s) => s.target.endsWith('.CreateRepository'));
    expect(creates.map((s) => s.body['repositoryName']).sort()).toEqual([
      'images/cache-amd64',
      'images/cache-arm64',
    ]);
    // Signed with the static test key from the environment (the SDK's default chain).
    expect(creates[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDKILNTEST\/\d{8}\/eu-west-1\/ecr\/aws4_request/,
    );
    // A second run (the next pipeline) changes nothing and still succeeds.
    const again = await ensureRepositories({
      region: 'eu-west-1',
      endpoint,
      repositories: ['images', 'images/cache-amd64'],
    });
    expect(again).toEqual({ created: [], existing: ['images', 'images/cache-amd64'] });
  });

  test('only the missing repositories are created, with the mutability and scan-on-push asked for', async () => {
    seen.length = 0;
    const result = await ensureRepositories({
      region: 'eu-west-1',
      endpoint,
      repositories: ['images', 'team/new-app'],
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
    });
    expect(result).toEqual({ created: ['team/new-app'], existing: ['images'] });
    const creates = seen.filter((s) => s.target.endsWith('.CreateRepository'));
    expect(creates.map((s) => s.body)).toEqual([
      {
        repositoryName: 'team/new-app',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      },
    ]);
  });

  test('a role that may describe but not create works when every repository exists, and a missing one names the action', async () => {
    denyCreate = true;
    try {
      seen.length = 0;
      const fine = await ensureRepositories({
        region: 'eu-west-1',
        endpoint,
        repositories: ['images', 'team/new-app'],
      });
      expect(fine).toEqual({ created: [], existing: ['images', 'team/new-app'] });
      expect(seen.some((s) => s.target.endsWith('.CreateRepository'))).toBe(false);

      const failure = ensureRepositories({
        region: 'eu-west-1',
        endpoint,
        repositories: ['images', 'team/other'],
      });
      await expect(failure).rejects.toMatchObject({
        code: 'ECR_FAILED',
        message: expect.stringContaining('ECR CreateRepository team/other failed: AccessDeniedException'),
        hint: expect.stringMatching(
          /the role may not call ecr:CreateRepository: grant it .*create_repositories: false/,
        ),
      });
    } finally {
      denyCreate = false;
    }
  });

  test('a role without ecr:DescribeRepositories still works as before: create, and "already exists" is there', async () => {
    denyDescribe = true;
    try {
      const log = createMemoryLogger();
      const result = await ensureRepositories({
        region: 'eu-west-1',
        endpoint,
        repositories: ['images', 'team/later'],
        log,
      });
      expect(result).toEqual({ created: ['team/later'], existing: ['images'] });
      expect(log.stderr.join('')).toContain('the role may not call ecr:DescribeRepositories');
    } finally {
      denyDescribe = false;
    }
  });

  test('a repository another pipeline created between the lookup and the create counts as there', async () => {
    const result = await ensureRepositories({ region: 'eu-west-1', endpoint, repositories: [RACED] });
    expect(result).toEqual({ created: [], existing: [RACED] });
  });

  test('GetAuthorizationToken gives the Basic credentials, registered as secrets', async () => {
    const log = createMemoryLogger();
    const credentials = await ecrCredentials({ region: 'eu-west-1', registryId: ACCOUNT, endpoint, log });
    expect(credentials).toEqual({ username: 'AWS', password: PASSWORD });
    expect(log.mask(`pw ${PASSWORD}`)).toBe('pw [MASKED]');
  });

  test('an ECR host resolves to the token credentials (endpoint from AWS_ENDPOINT_URL_ECR)', async () => {
    const log = createMemoryLogger();
    const resolved = await resolveCredentials({
      host: ECR_HOST,
      env: { AWS_ENDPOINT_URL_ECR: endpoint },
      log,
    });
    expect(resolved.source).toContain('ECR');
    expect(resolved.credentials).toEqual({ username: 'AWS', password: PASSWORD });
  });

  test('a refused token is a clear ECR error with a hint about the role', async () => {
    denyToken = true;
    try {
      const failure = ecrCredentials({
        region: 'eu-west-1',
        registryId: ACCOUNT,
        endpoint,
        log: createMemoryLogger(),
      });
      await expect(failure).rejects.toMatchObject({
        code: 'ECR_FAILED',
        message: expect.stringContaining('AccessDeniedException'),
        hint: expect.stringContaining('AWS_ROLE_ARN'),
      });
    } finally {
      denyToken = false;
    }
  });

  test('an immutable tag on PUT is reported naming the tag', async () => {
    const log = createMemoryLogger();
    const credentials = await ecrCredentials({ region: 'eu-west-1', registryId: ACCOUNT, endpoint, log });
    const client = createRegistryClient({
      host: endpoint.slice('http://'.length),
      insecure: true,
      credentials,
      log,
    });
    const put = client.putManifest('images', 'web-latest', Buffer.from('{}'), OCI_INDEX);
    await expect(put).rejects.toMatchObject({
      code: 'REGISTRY_FAILED',
      message: expect.stringMatching(
        /^tag "web-latest" already exists in .*images and the repository's tags are immutable/,
      ),
    });
    await expect(put).rejects.not.toMatchObject({ message: expect.stringContaining(PASSWORD) });
  });
});
