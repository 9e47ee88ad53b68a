// Rules for upstream_repo and upstream_ref. Both reach `git clone` / `git ls-remote` in CI jobs, so
// anything git would treat as an option, a local path or a remote helper is refused here:
// `ext::` and `fd::` run commands (https://git-scm.com/docs/git-remote-ext), `file://` reads the
// runner's disk, a leading `-` becomes an option (CVE-2017-1000117 used `ssh://-oProxyCommand=…`).
import type { Problem } from '../errors.js';
import { describeCharacter } from './unsafe-text.js';

export type Finding = Pick<Problem, 'message' | 'hint'>;

// \s covers U+2028, U+2029 and the byte-order mark; C1 (NEL among them) is added by hand.
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f\ufffe\uffff]|\p{Cs}/u;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([^/:]+):(.+)$/;
const URL_FORMS = 'https://host/path, ssh://git@host/path, git@host:path or git://host/path';

/** undefined when `url` is an allowed upstream repository URL, else what is wrong and how to fix it. */
export function checkUpstreamRepo(url: string): Finding | undefined {
  if (url.length === 0) return { message: 'must not be empty', hint: `use ${URL_FORMS}` };
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) {
    return {
      message: `remote helper "${url.slice(0, url.indexOf('::') + 2)}" is not allowed (it can run commands)`,
      hint: `use ${URL_FORMS}`,
    };
  }
  if (url.startsWith('-'))
    return { message: 'must not start with "-" (git would read it as an option)', hint: `use ${URL_FORMS}` };
  if (CONTROL_OR_SPACE.test(url)) {
    return {
      message: 'must not contain spaces or control characters',
      hint: 'remove them (percent-encode if real)',
    };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return checkScpLike(url);
  if (scheme === 'file')
    return {
      message: "file:// URLs are not allowed (they read the runner's disk)",
      hint: `use ${URL_FORMS}`,
    };
  if (scheme === 'http') return { message: 'plain http:// is not allowed', hint: 'use https://' };
  if (!['https', 'ssh', 'git'].includes(scheme))
    return { message: `unsupported URL scheme "${scheme}://"`, hint: `use ${URL_FORMS}` };
  return checkUrl(url, scheme);
}

function checkUrl(url: string, scheme: string): Finding | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { message: 'is not a valid URL', hint: `use ${URL_FORMS}` };
  }
  const host = parsed.hostname;
  if (host.length === 0 || !HOST.test(host))
    return { message: `"${host}" is not a valid host name`, hint: `use ${URL_FORMS}` };
  if (parsed.password !== '') {
    return {
      message: 'must not contain a password or token',
      hint: 'remove it; private upstreams get a token from the upstream_token_variable setting',
    };
  }
  if (parsed.username !== '' && scheme !== 'ssh') {
    return { message: `a user name is only allowed in ssh:// URLs`, hint: 'remove "user@"' };
  }
  if (parsed.username.startsWith('-'))
    return { message: 'the user name must not start with "-"', hint: `use ${URL_FORMS}` };
  if (parsed.pathname === '/' || parsed.pathname === '')
    return { message: 'has no repository path', hint: `use ${URL_FORMS}` };
  if (parsed.search !== '' || parsed.hash !== '')
    return { message: 'must not contain "?" or "#"', hint: 'remove the query or fragment' };
  return undefined;
}

/** scp-like `user@host:path`, the form GitLab and GitHub show for SSH clones. */
function checkScpLike(url: string): Finding | undefined {
  const match = SCP_LIKE.exec(url);
  if (!match) {
    return {
      message: 'is not a remote git URL (local paths and bare host:path are not allowed)',
      hint: `use ${URL_FORMS}`,
    };
  }
  const [, user = '', host = '', repoPath = ''] = match;
  if (user.startsWith('-'))
    return { message: 'the user name must not start with "-"', hint: `use ${URL_FORMS}` };
  if (!HOST.test(host)) return { message: `"${host}" is not a valid host name`, hint: `use ${URL_FORMS}` };
  if (repoPath.startsWith('-'))
    return { message: 'the repository path must not start with "-"', hint: `use ${URL_FORMS}` };
  return undefined;
}

/** A full commit SHA: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// git check-ref-format: no control characters, space, ~ ^ : ? * [ \ anywhere. kiln also refuses what
// YAML 1.1 reads as a line break (NEL, U+2028, U+2029) and the other characters of unsafe-text.ts.
const REF_FORBIDDEN = /[\u0000-\u0020\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff~^:?*[\\]|\p{Cs}/u;
const REF_INVISIBLE = /^[\u0000-\u0020\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]$|^\p{Cs}$/u;

export function isFullCommitSha(ref: string): boolean {
  return FULL_SHA.test(ref);
}

/**
 * undefined when `ref` is a tag, branch or full commit SHA that git accepts (the rules of
 * `git check-ref-format --allow-onelevel`, https://git-scm.com/docs/git-check-ref-format), else why not.
 */
export function checkUpstreamRef(ref: string): Finding | undefined {
  const hint = 'use a tag (v1.2.3), a branch (main) or a full 40-character commit SHA';
  if (ref.length === 0) return { message: 'must not be empty', hint };
  if (isFullCommitSha(ref)) return undefined;
  if (ref.startsWith('-'))
    return { message: 'must not start with "-" (git would read it as an option)', hint };
  const bad = REF_FORBIDDEN.exec(ref);
  if (bad) {
    const shown = REF_INVISIBLE.test(bad[0]) ? `character ${describeCharacter(bad[0])}` : `"${bad[0]}"`;
    return { message: `is not a valid git ref name: ${shown} is not allowed`, hint };
  }
  // Valid for git, but no real tag or branch has them; refused so a ref is never shell syntax.
  const meta = /[$`'";|&<>()]/.exec(ref);
  if (meta) return { message: `"${meta[0]}" is not allowed in a ref (shell syntax)`, hint };
  if (ref.includes('..')) return { message: 'is not a valid git ref name: ".." is not allowed', hint };
  if (ref.includes('@{')) return { message: 'is not a valid git ref name: "@{" is not allowed', hint };
  if (ref === '@') return { message: 'is not a valid git ref name: "@" alone is not allowed', hint };
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) {
    return {
      message: 'is not a valid git ref name: empty path component ("/" at the start, end or doubled)',
      hint,
    };
  }
  if (ref.endsWith('.')) return { message: 'is not a valid git ref name: must not end with "."', hint };
  for (const component of ref.split('/')) {
    if (component.startsWith('.'))
      return { message: `is not a valid git ref name: component "${component}" starts with "."`, hint };
    if (component.endsWith('.lock'))
      return { message: `is not a valid git ref name: component "${component}" ends with ".lock"`, hint };
  }
  return undefined;
}
