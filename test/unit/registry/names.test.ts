import { describe, expect, test } from 'vitest';
import { ecrRepositoryName, parseEcrHost } from '../../../src/registry/ecr/ecr-host.js';
import { checkReference, parseRepository } from '../../../src/registry/reference.js';
import { errorBodySummary, httpError } from '../../../src/registry/registry-error.js';

describe('ECR hosts', () => {
  test.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', { registryId: '123456789012', region: 'eu-west-1' }],
    [
      '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
      { registryId: '123456789012', region: 'us-east-1' },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      { registryId: '123456789012', region: 'cn-north-1' },
    ],
    ['registry.gitlab.com', undefined],
    ['12345.dkr.ecr.eu-west-1.amazonaws.com', undefined],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example', undefined],
  ])('%s', (host, expected) => {
    const parsed = parseEcrHost(host);
    expect(parsed && { registryId: parsed.registryId, region: parsed.region }).toEqual(expected);
  });

  test('repository names for the ECR API', () => {
    expect(ecrRepositoryName('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app')).toBe('team/app');
    expect(ecrRepositoryName('team/app')).toBe('team/app');
  });
});

describe('references', () => {
  test.each([
    ['127.0.0.1:5000/team/app', { host: '127.0.0.1:5000', name: 'team/app' }],
    ['registry.example/a', { host: 'registry.example', name: 'a' }],
    ['localhost/a_b/c-d', { host: 'localhost', name: 'a_b/c-d' }],
  ])('parseRepository(%j)', (value, expected) => {
    expect(parseRepository(value)).toEqual(expected);
  });

  test.each(['app', 'registry.example/', 'registry.example/UPPER', 'registry.example/a//b'])(
    'parseRepository(%j) fails',
    (value) => {
      expect(() => parseRepository(value)).toThrow('is not an image repository');
    },
  );

  test.each(['latest', `sha256:${'a'.repeat(64)}`])('checkReference accepts %s', (ref) => {
    expect(checkReference(ref)).toBe(ref);
  });

  test.each(['../x', 'a b', '-x', `sha256:${'a'.repeat(63)}`])('checkReference refuses %j', (ref) => {
    expect(() => checkReference(ref)).toThrow('is neither an OCI tag nor a sha256 digest');
  });
});

describe('registry errors', () => {
  const target = { host: 'reg.example', repository: 'team/app', reference: 'v1', method: 'PUT' };
  test('name registry, repository, reference and status, with the decoded error body', () => {
    const error = httpError(
      target,
      400,
      '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}',
    );
    expect(error.message).toBe(
      'PUT failed: registry reg.example, repository team/app, reference v1: HTTP 400 MANIFEST_INVALID: manifest invalid',
    );
  });
  test('ECR immutable-tag refusal names the tag', () => {
    const body = JSON.stringify({
      errors: [
        {
          code: 'TAG_INVALID',
          message:
            "The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the repository is immutable.",
        },
      ],
    });
    expect(httpError(target, 400, body).message).toMatch(
      /^tag "v1" already exists in reg\.example\/team\/app and the repository's tags are immutable/,
    );
  });
  test('non-JSON bodies are trimmed', () => {
    expect(errorBodySummary('<html>\n  <b>Bad gateway</b>\n</html>')).toBe(
      '<html> <b>Bad gateway</b> </html>',
    );
  });
});
