// What kiln manifest checks before it pushes anything when signing is on. The ID tokens here are
// unsigned JWTs shaped as GitLab's (https://docs.gitlab.com/ci/secrets/id_token_authentication/):
// kiln only reads their claims; Fulcio verifies them.
import { describe, expect, test } from 'vitest';
import { signingPreflight } from '../../../src/attest/preflight.js';
import { KilnError } from '../../../src/errors.js';
import type { SigningSpec } from '../../../src/types.js';

const KEYLESS: SigningSpec = {
  mode: 'keyless',
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev',
  sbomFormat: 'spdx-json',
};

function jwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const PARENT_JOB = {
  iss: 'https://gitlab.example.com',
  aud: 'sigstore',
  sub: 'project_path:group/images:ref_type:branch:ref:main',
  ci_config_ref_uri: 'gitlab.example.com/group/images//.gitlab-ci.yml@refs/heads/main',
};

function failure(env: Record<string, string>): KilnError {
  try {
    signingPreflight(KEYLESS, env, () => true);
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  throw new Error('expected a KilnError');
}

describe('keyless preflight', () => {
  test('a token with the claims Fulcio needs passes', () => {
    expect(signingPreflight(KEYLESS, { SIGSTORE_ID_TOKEN: jwt(PARENT_JOB) }, () => true)).toBeUndefined();
  });

  test('a child-pipeline token without ci_config_ref_uri fails before the push, naming the GitLab issue', () => {
    const { ci_config_ref_uri: _, ...child } = PARENT_JOB;
    const token = jwt(child);
    const e = failure({ SIGSTORE_ID_TOKEN: token });
    expect(e.message).toContain('no ci_config_ref_uri claim');
    expect(e.message).toContain('gitlab-org/gitlab#422146');
    expect(e.hint).toContain('nothing was pushed');
    expect(`${e.message} ${e.hint}`).not.toContain(token);
  });

  test.each([
    [{}, 'SIGSTORE_ID_TOKEN, which is unset'],
    [{ SIGSTORE_ID_TOKEN: 'not-a-token' }, 'is not a JWT'],
    [
      { SIGSTORE_ID_TOKEN: jwt({ ...PARENT_JOB, aud: 'https://sts.amazonaws.com' }) },
      'is not for audience sigstore',
    ],
  ])('%j fails: %s', (env, message) => {
    expect(failure(env).message).toContain(message);
  });
});

describe('key preflight', () => {
  test('the key is resolved before the push', () => {
    const spec: SigningSpec = { mode: 'key', key: 'COSIGN_PRIVATE_KEY', sbomFormat: 'spdx-json' };
    expect(signingPreflight(spec, { COSIGN_PRIVATE_KEY: '/k' }, () => true)?.ref).toBe('/k');
    expect(() => signingPreflight(spec, {}, () => true)).toThrow(/COSIGN_PRIVATE_KEY, which is unset/);
  });
});
