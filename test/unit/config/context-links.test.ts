import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { escapingLinks, followLinks, MAX_SCANNED_ENTRIES } from '../../../src/config/context-links.js';

const root = mkdtempSync(path.join(tmpdir(), 'kiln-links-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('followLinks', () => {
  test.each([
    [
      'a dangling relative link, against its own folder',
      { 'd/out': 'not-built' },
      'd/out',
      '$ROOT/d/not-built',
    ],
    ['a link in the middle of the path', { 'd/etc': '/etc' }, 'd/etc/passwd', '/etc/passwd'],
    [
      'a dangling link past a missing folder',
      { 'd/k': '/kiln-none/.docker' },
      'd/k/config.json',
      '/kiln-none/.docker/config.json',
    ],
    ['".." after a missing folder: cannot tell', { 'd/x': 'gone/../../..' }, 'd/x', undefined],
    ['a loop: cannot tell', { 'd/loop': 'loop' }, 'd/loop', undefined],
  ])('%s', (_what, links, start, to) => {
    const base = mkdtempSync(path.join(root, 'f-'));
    for (const [link, target] of Object.entries(links)) {
      mkdirSync(path.dirname(path.join(base, link)), { recursive: true });
      symlinkSync(target, path.join(base, link));
    }
    expect(followLinks(path.join(base, start)).to).toBe(to?.replace('$ROOT', base));
  });
});

describe('escapingLinks', () => {
  test(`reads at most ${MAX_SCANNED_ENTRIES} entries, then stops (the job's check has no bound)`, () => {
    const context = mkdtempSync(path.join(root, 'ctx-'));
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) writeFileSync(path.join(context, name), '');
    mkdirSync(path.join(context, 'z'));
    symlinkSync('/etc', path.join(context, 'z', 'etc'));
    expect(escapingLinks(context, 3)).toEqual([]);
    expect(escapingLinks(context)).toEqual([
      { link: path.join(context, 'z', 'etc'), target: '/etc', to: '/etc' },
    ]);
  });
});
