import { describe, expect, test } from 'vitest';
import { parseChallenge, repositoryScope } from '../../../src/registry/auth/challenge.js';
import {
  authFileCandidates,
  normalizeHost,
  parseAuthFile,
} from '../../../src/registry/auth/docker-config.js';

describe('parseChallenge', () => {
  test.each([
    ['Basic realm="basic-realm"', { scheme: 'basic', params: { realm: 'basic-realm' } }],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/a:pull,push"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/a:pull,push',
        },
      },
    ],
    [
      'bearer realm=https://gitlab.example/jwt/auth,service=container_registry',
      {
        scheme: 'bearer',
        params: { realm: 'https://gitlab.example/jwt/auth', service: 'container_registry' },
      },
    ],
    ['Negotiate abc', undefined],
    [null, undefined],
  ])('%j', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  test('scopes', () => {
    expect(repositoryScope('team/app', false)).toBe('repository:team/app:pull');
    expect(repositoryScope('team/app', true)).toBe('repository:team/app:pull,push');
  });
});

describe('docker config / auth.json', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  test.each([
    ['registry.example:5000', 'registry.example:5000'],
    ['https://registry.example:5000/v2/', 'registry.example:5000'],
    ['http://Registry.Example', 'registry.example'],
  ])('normalizeHost(%j) = %j', (key, host) => {
    expect(normalizeHost(key)).toBe(host);
  });

  test.each([
    {
      what: 'auth base64',
      auths: { 'https://reg.example': { auth: b64('u:p:with:colons') } },
      expected: { username: 'u', password: 'p:with:colons' },
    },
    {
      what: 'username/password',
      auths: { 'reg.example': { username: 'u', password: 'p' } },
      expected: { username: 'u', password: 'p' },
    },
    { what: 'other hosts only', auths: { 'other.example': { auth: b64('u:p') } }, expected: undefined },
    { what: 'credsStore only', auths: {}, expected: undefined },
  ])('$what', ({ auths, expected }) => {
    expect(
      parseAuthFile(JSON.stringify({ auths, credsStore: 'desktop' }), 'config.json', 'reg.example'),
    ).toEqual(expected);
  });

  test('bad JSON and a bad auth value name the file and the field', () => {
    expect(() => parseAuthFile('{', '/home/ci/.docker/config.json', 'reg.example')).toThrow(
      '/home/ci/.docker/config.json is not valid JSON',
    );
    expect(() =>
      parseAuthFile(
        JSON.stringify({ auths: { 'reg.example': { auth: b64('nocolon') } } }),
        'c.json',
        'reg.example',
      ),
    ).toThrow('c.json: auths."reg.example".auth is not base64 of user:password');
  });

  test('files are searched in containers-then-docker order', () => {
    expect(
      authFileCandidates({
        REGISTRY_AUTH_FILE: '/a.json',
        XDG_RUNTIME_DIR: '/run/user/0',
        DOCKER_CONFIG: '/dc',
        HOME: '/root',
      }),
    ).toEqual([
      '/a.json',
      '/run/user/0/containers/auth.json',
      '/dc/config.json',
      '/root/.docker/config.json',
    ]);
  });
});
