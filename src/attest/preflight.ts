// What signing needs from the job, checked before kiln manifest pushes anything (and again by kiln
// attest): in key mode the key (resolveSigningKey), keyless a GitLab ID token Fulcio can accept.
// Fulcio builds a GitLab identity from the token's ci_config_ref_uri claim, which GitLab leaves
// out of the tokens of child-pipeline jobs (https://gitlab.com/gitlab-org/gitlab/-/issues/422146):
// such a token would be refused at signing time, after the index was pushed. The token is only
// decoded here, never verified (Fulcio does that) and never printed.
import type { Env } from '../context.js';
import { KilnError } from '../errors.js';
import type { SigningSpec } from '../types.js';
import { resolveSigningKey, type SigningKey } from './cosign-args.js';

export const ID_TOKEN_VARIABLE = 'SIGSTORE_ID_TOKEN';

/** The claims of a JWT, or undefined when `token` is not one. */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The key of key mode, or undefined keyless; throws what the job must fix, before anything is pushed. */
export function signingPreflight(
  spec: SigningSpec,
  env: Env,
  exists: (file: string) => boolean,
): SigningKey | undefined {
  if (spec.mode === 'key') return resolveSigningKey(spec, env, exists);
  const token = env[ID_TOKEN_VARIABLE];
  const fix = 'use signing: key, or a private Fulcio (sigstore_fulcio_url) that accepts these tokens';
  if (!token) {
    throw new KilnError(
      'ATTEST_FAILED',
      `signing: keyless needs a GitLab ID token in ${ID_TOKEN_VARIABLE}, which is unset`,
      {
        hint: `the manifest job gets it from id_tokens (aud: sigstore); run it in the child pipeline kiln prepare writes, or ${fix}`,
      },
    );
  }
  const claims = jwtClaims(token);
  if (!claims) {
    throw new KilnError('ATTEST_FAILED', `${ID_TOKEN_VARIABLE} is not a JWT`, {
      hint: `it must be the job's GitLab ID token (id_tokens, aud: sigstore); ${fix}`,
    });
  }
  const aud = Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']];
  if (!aud.includes('sigstore')) {
    throw new KilnError(
      'ATTEST_FAILED',
      `${ID_TOKEN_VARIABLE} is not for audience sigstore (aud: ${JSON.stringify(claims['aud'])})`,
      {
        hint: 'set aud: sigstore in the id_tokens of the manifest job (kiln renders it so)',
      },
    );
  }
  if (!claims['ci_config_ref_uri']) {
    throw new KilnError(
      'ATTEST_FAILED',
      `${ID_TOKEN_VARIABLE} has no ci_config_ref_uri claim, from which Fulcio makes a GitLab job's identity; GitLab leaves it out of child-pipeline jobs' tokens (gitlab-org/gitlab#422146)`,
      { hint: `nothing was pushed; ${fix}` },
    );
  }
  return undefined;
}
