import { describe, expect, test } from 'vitest';
import { checkUpstreamRef, checkUpstreamRepo, isFullCommitSha } from '../../../src/config/git-url.js';

describe('upstream_repo', () => {
  test.each([
    'https://github.com/osscontainertools/kaniko.git',
    'https://gitlab.example.com:8443/group/sub/app',
    'ssh://git@gitlab.example.com:2222/group/app.git',
    'ssh://gitlab.example.com/group/app.git',
    'git@github.com:osscontainertools/kaniko.git',
    'deploy-bot@git.internal:team/app',
    'git://127.0.0.1:9418/repo.git',
    'https://[::1]:8443/repo.git',
  ])('accepts %s', (url) => {
    expect(checkUpstreamRepo(url)).toBeUndefined();
  });

  test.each([
    ['', 'must not be empty'],
    ['file:///etc/passwd', 'file:// URLs are not allowed'],
    ['FILE:///srv/repo', 'file:// URLs are not allowed'],
    ['ext::sh -c touch% /tmp/pwned', 'remote helper "ext::" is not allowed'],
    ['fd::17', 'remote helper "fd::" is not allowed'],
    ['--upload-pack=touch /tmp/x', 'must not start with "-"'],
    ['-oProxyCommand=x', 'must not start with "-"'],
    ['ssh://-oProxyCommand=touch%20x/repo', 'is not a valid host name'],
    ['git@-oProxyCommand=x:repo', 'is not a valid host name'],
    ['git@host:-repo', 'the repository path must not start with "-"'],
    ['https://github.com/a/b.git\n--config=x', 'must not contain spaces or control characters'],
    ['https://github.com/a b.git', 'must not contain spaces'],
    ['http://github.com/a/b.git', 'plain http:// is not allowed'],
    ['ftp://host/repo', 'unsupported URL scheme "ftp://"'],
    ['https://user:glpat-secret@gitlab.com/a/b.git', 'must not contain a password or token'],
    ['https://oauth2@gitlab.com/a/b.git', 'a user name is only allowed in ssh:// URLs'],
    ['https://github.com/', 'has no repository path'],
    ['https://github.com/a/b?x=1', 'must not contain "?" or "#"'],
    ['/srv/git/repo.git', 'is not a remote git URL'],
    ['../sibling', 'is not a remote git URL'],
    ['github.com:a/b', 'is not a remote git URL'],
  ])('rejects %j', (url, message) => {
    expect(checkUpstreamRepo(url)?.message).toContain(message);
  });
});

describe('upstream_ref', () => {
  test.each([
    'v1.28.3',
    'main',
    'release/2.x',
    'refs/tags/v1.0.0',
    '1.10',
    'feature/foo-bar_baz',
    'a'.repeat(40).replace(/a/g, 'f'),
    '0123456789abcdef0123456789abcdef01234567',
  ])('accepts %s', (ref) => {
    expect(checkUpstreamRef(ref)).toBeUndefined();
  });

  test.each([
    ['', 'must not be empty'],
    ['-main', 'must not start with "-"'],
    ['--upload-pack=x', 'must not start with "-"'],
    ['v1..2', '".." is not allowed'],
    ['main@{1}', '"@{" is not allowed'],
    ['@', '"@" alone is not allowed'],
    ['has space', 'U+0020 is not allowed'],
    ['tab\there', 'U+0009 (tab) is not allowed'],
    ['new\nline', 'U+000A (newline) is not allowed'],
    ['a~1', '"~" is not allowed'],
    ['a^{}', '"^" is not allowed'],
    ['a:b', '":" is not allowed'],
    ['what?', '"?" is not allowed'],
    ['glob*', '"*" is not allowed'],
    ['[x]', '"[" is not allowed'],
    ['back\\slash', '"\\" is not allowed'],
    ['main.lock', 'ends with ".lock"'],
    ['refs/heads/x.lock/y', 'ends with ".lock"'],
    ['.hidden', 'starts with "."'],
    ['a/.b', 'starts with "."'],
    ['trailing/', 'empty path component'],
    ['/leading', 'empty path component'],
    ['a//b', 'empty path component'],
    ['ends.', 'must not end with "."'],
    ['$(touch /tmp/x)', 'U+0020 is not allowed'],
    ['$(id)', '"$" is not allowed in a ref (shell syntax)'],
    ['`id`', '"`" is not allowed in a ref'],
    ['v1;reboot', '";" is not allowed in a ref'],
  ])('rejects %j', (ref, message) => {
    expect(checkUpstreamRef(ref)?.message).toContain(message);
  });

  test('full SHAs: 40 hex (SHA-1) or 64 hex (SHA-256), lowercase', () => {
    expect(isFullCommitSha('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isFullCommitSha('0123456789abcdef'.repeat(4))).toBe(true);
    expect(isFullCommitSha('0123456')).toBe(false);
  });
});
