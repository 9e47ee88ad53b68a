// Pure rules for pinning: which upstream URLs and refs kiln accepts, and which line of
// `git ls-remote` output a ref means.
import { FULL_SHA } from '../config/git-url.js';
import type { Problem } from '../errors.js';

/** Problems with an upstream URL: only real remotes, nothing git could read as an option or a helper. */
export function upstreamUrlProblems(url: string): string[] {
  if (url.startsWith('-')) return ['starts with "-"'];
  if (/[\s\p{Cc}]/u.test(url)) return ['contains whitespace or control characters'];
  if (/^(?:https?|ssh|git):\/\/[^/]+/.test(url)) return [];
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]/.test(url)) return []; // scp-like git@host:path
  return ['is not an https://, http://, ssh://, git:// or user@host:path URL'];
}

/** Problems with a ref name (git check-ref-format rules that matter for safety and clarity). */
export function refProblems(ref: string): string[] {
  if (ref === '') return ['is empty'];
  if (ref.startsWith('-')) return ['starts with "-"'];
  if (/[\s\p{Cc}~^:?*[\\]|\.\.|@\{/u.test(ref)) return ['contains characters git does not allow in a ref'];
  return [];
}

export interface RemoteRef {
  name: string;
  sha: string;
}

/** `<sha>\t<ref>` lines → refs. */
export function parseLsRemote(output: string): RemoteRef[] {
  return output
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((parts): parts is [string, string] => parts.length === 2 && FULL_SHA.test(parts[0] ?? ''))
    .map(([sha, name]) => ({ sha, name }));
}

export type RefResolution =
  | { ok: true; resolvedRef: string; sha: string }
  | { ok: false; message: string; hint?: string };

/**
 * The commit a ref names. `refs/...` is exact; a short name is a branch or a tag, and a name that is
 * both is ambiguous (git would pick the tag, Kaniko's --git branch the branch). Annotated tags are
 * peeled (`^{}`): the image is built from the commit, not the tag object.
 */
export function pickRef(ref: string, refs: RemoteRef[]): RefResolution {
  const find = (name: string) => refs.find((r) => r.name === name)?.sha;
  const tag = (name: string) => {
    const sha = find(`${name}^{}`) ?? find(name);
    return sha === undefined ? undefined : { ok: true as const, resolvedRef: name, sha };
  };
  if (ref.startsWith('refs/')) {
    const exact = ref.startsWith('refs/tags/') ? tag(ref) : find(ref);
    if (exact === undefined) return { ok: false, message: `ref ${ref} not found` };
    return typeof exact === 'string' ? { ok: true, resolvedRef: ref, sha: exact } : exact;
  }
  const branch = find(`refs/heads/${ref}`);
  const tagged = tag(`refs/tags/${ref}`);
  if (branch !== undefined && tagged !== undefined) {
    return {
      ok: false,
      message: `"${ref}" is both a branch and a tag`,
      hint: `write upstream_ref: refs/heads/${ref} or refs/tags/${ref}`,
    };
  }
  if (branch !== undefined) return { ok: true, resolvedRef: `refs/heads/${ref}`, sha: branch };
  if (tagged) return tagged;
  const abbreviated = /^[0-9a-f]{7,39}$/.test(ref);
  return {
    ok: false,
    message: `no branch or tag "${ref}"`,
    ...(abbreviated
      ? { hint: 'abbreviated SHAs cannot be resolved remotely: write the full 40-character SHA' }
      : {}),
  };
}

export function located(file: string, field: string, message: string, hint?: string): Problem {
  return { file, field, message, ...(hint ? { hint } : {}) };
}
