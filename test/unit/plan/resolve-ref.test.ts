import { describe, expect, test } from 'vitest';
import { parseLsRemote, pickRef, refProblems, upstreamUrlProblems } from '../../../src/plan/resolve-ref.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const REFS = parseLsRemote(
  [
    `${A}\tHEAD`,
    `${A}\trefs/heads/main`,
    `${B}\trefs/heads/dup`,
    `${C}\trefs/tags/dup`,
    `${B}\trefs/tags/v1`,
    `${C}\trefs/tags/v1^{}`,
    `${A}\trefs/tags/light`,
    `${B}\trefs/merge-requests/7/head`,
    'garbage line',
  ].join('\n'),
);

describe('pickRef', () => {
  test.each([
    ['main', 'refs/heads/main', A],
    ['v1', 'refs/tags/v1', C], // annotated: the peeled commit, not the tag object
    ['light', 'refs/tags/light', A],
    ['refs/heads/dup', 'refs/heads/dup', B],
    ['refs/tags/dup', 'refs/tags/dup', C],
    ['refs/tags/v1', 'refs/tags/v1', C],
    ['refs/merge-requests/7/head', 'refs/merge-requests/7/head', B],
  ])('%s → %s @ %s', (ref, resolvedRef, sha) => {
    expect(pickRef(ref, REFS)).toEqual({ ok: true, resolvedRef, sha });
  });

  test.each([
    ['dup', /both a branch and a tag/, /refs\/heads\/dup or refs\/tags\/dup/],
    ['nope', /no branch or tag "nope"/, undefined],
    ['abc1234', /no branch or tag/, /full 40-character SHA/],
    ['refs/heads/gone', /ref refs\/heads\/gone not found/, undefined],
  ])('%s is an error', (ref, message, hint) => {
    const result = pickRef(ref, REFS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
    if (hint) expect(result.hint).toMatch(hint);
  });
});

describe('upstream URL and ref rules', () => {
  test.each([
    ['https://gitlab.com/a/b.git', true],
    ['http://127.0.0.1:8080/a.git', true],
    ['ssh://git@host/a.git', true],
    ['git://127.0.0.1:9418/a.git', true],
    ['git@github.com:a/b.git', true],
    ['--upload-pack=touch /tmp/x', false],
    ['ext::sh -c touch% /tmp/x', false],
    ['file:///etc', false],
    ['/local/path', false],
    ['https://host/a b.git', false],
  ])('URL %j accepted: %s', (url, ok) => {
    expect(upstreamUrlProblems(url).length === 0).toBe(ok);
  });

  test.each([
    ['main', true],
    ['release/1.x', true],
    ['refs/tags/v1.2.3', true],
    ['-x', false],
    ['a..b', false],
    ['a b', false],
    ['x@{1}', false],
    ['a:b', false],
    ['', false],
  ])('ref %j accepted: %s', (ref, ok) => {
    expect(refProblems(ref).length === 0).toBe(ok);
  });
});
