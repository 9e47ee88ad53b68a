// Parses `WWW-Authenticate` from a registry's 401: `Basic realm="…"` or
// `Bearer realm="https://auth/token",service="registry",scope="repository:app:pull"`. Pure.
// https://distribution.github.io/distribution/spec/auth/token/

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match?.[1]) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  // key="quoted, may contain commas" or key=token
  for (const param of (match[2] ?? '').matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    const key = param[1];
    if (key) params[key.toLowerCase()] = (param[2] ?? param[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme, params };
}

/** `repository:team/app:pull,push` — the scope a token must carry for the request. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}
