// A git credential bound to one origin (scheme, host and port). git asks a helper configured as
// `credential.<origin>.helper` only for that origin; after a redirect git re-reads the credential
// for the new URL, so a redirect to another host gets nothing. An `http.extraHeader` would not do:
// it rides on every request of the session, wherever the session was redirected to.
import { KilnError } from '../errors.js';
import { shellQuote } from '../render/shell-quote.js';

export interface GitCredential {
  username: string;
  /** The CI variable the token is read from when git asks, so it is in no argv, script or log. */
  passwordVariable: string;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `https://host[:port]` of an http(s) URL; the port only when it is not the scheme's default. */
export function credentialOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

/**
 * The git config key and value that answer `get` for `url`'s origin only. The helper runs under
 * sh: the username is quoted for it and the token is read from the environment at that moment.
 */
export function credentialHelperConfig(
  url: string,
  credential: GitCredential,
): { key: string; value: string } {
  const origin = credentialOrigin(url);
  if (!origin) {
    throw new KilnError('PLAN_INVALID', `${url} is not an http(s) URL, so it cannot carry a token`, {
      hint: 'tokens are for https upstreams; use an https URL',
    });
  }
  if (!VARIABLE_NAME.test(credential.passwordVariable)) {
    throw new KilnError('PLAN_INVALID', `"${credential.passwordVariable}" is not a CI variable name`, {
      hint: 'upstream_token_variable must be a variable name like UPSTREAM_TOKEN, not its value',
    });
  }
  // `store` and `erase` are answered with nothing: git must not be told to keep the token anywhere.
  const value =
    `!f() { test "$1" = get || exit 0; echo username=${shellQuote(credential.username)}; ` +
    `printf 'password=%s\\n' "\${${credential.passwordVariable}}"; }; f`;
  return { key: `credential.${origin}.helper`, value };
}
