// The git adapters on real temporary repositories: answers, and failures as KilnError with cause.
import { describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { changedFiles, parseNameStatus } from '../../../src/git/changed-files.js';
import { ensureCommitPresent } from '../../../src/git/ensure-commit-present.js';
import { isAncestor, mergeBase, resolveCommit, showFiles } from '../../../src/git/revisions.js';
import { runGit } from '../../../src/git/run-git.js';
import { createRepo, tempDir } from '../select/scripted-repo.js';

describe('parseNameStatus', () => {
  test.each([
    ['M\0a/b.txt\0', [{ status: 'M', path: 'a/b.txt' }]],
    [
      'R087\0old/x\0new/x\0D\0gone\0',
      [
        { status: 'R', from: 'old/x', path: 'new/x' },
        { status: 'D', path: 'gone' },
      ],
    ],
    [
      'C100\0src\0copy\0A\0with\ttab\0',
      [
        { status: 'C', from: 'src', path: 'copy' },
        { status: 'A', path: 'with\ttab' },
      ],
    ],
    ['', []],
  ])('%j', (out, expected) => {
    expect(parseNameStatus(out)).toEqual(expected);
  });
});

describe('git adapters', () => {
  const repo = createRepo('adapters');
  repo.write({ 'a.txt': 'one\ntwo\nthree\nfour\n' });
  const first = repo.commit('first');
  repo.move('a.txt', 'b.txt');
  const second = repo.commit('rename');
  repo.git('checkout', '-q', '--orphan', 'unrelated');
  repo.write({ 'c.txt': 'c\n' });
  const orphan = repo.commit('unrelated root');
  const git = { cwd: repo.dir };

  test('changedFiles detects renames', async () => {
    expect(await changedFiles({ ...git, base: first, head: second })).toEqual([
      { status: 'R', from: 'a.txt', path: 'b.txt' },
    ]);
  });

  test('resolveCommit, isAncestor, mergeBase', async () => {
    expect(await resolveCommit({ ...git, rev: second.slice(0, 10) })).toBe(second);
    expect(await resolveCommit({ ...git, rev: 'no-such-ref' })).toBeUndefined();
    expect(await isAncestor({ ...git, ancestor: first, descendant: second })).toBe(true);
    expect(await isAncestor({ ...git, ancestor: second, descendant: first })).toBe(false);
    expect(await mergeBase({ ...git, a: second, b: orphan })).toBeUndefined();
  });

  test('showFiles reads many files at many commits in one call, in order; absent ones are undefined', async () => {
    const files = createRepo('show-files');
    files.write({
      'x/ü ✓.txt': 'ünïcödé ✓\n', // byte sizes differ from string lengths
      'x/empty.txt': '',
      'x/a 1 22 b.txt': 'spaces\n', // a name that looks like "<type> <size>" when reported missing
      'y.txt': 'no newline at end',
    });
    const c1 = files.commit('first');
    files.write({ 'y.txt': 'changed\n' });
    const c2 = files.commit('second');
    const texts = await showFiles({
      cwd: files.dir,
      files: [
        { rev: c1, path: 'x/ü ✓.txt' },
        { rev: c1, path: 'y.txt' },
        { rev: c2, path: 'y.txt' },
        { rev: c1, path: 'missing.txt' },
        { rev: c2, path: 'x/a 1 22 b.txt' },
        { rev: c1, path: 'x' }, // a folder, not a file
        { rev: c1, path: 'x/empty.txt' },
        { rev: c1, path: 'x/a 1 22 c.txt' },
        { rev: c2, path: 'line\nbreak.txt' }, // cannot be asked for in batch input
      ],
    });
    expect(texts).toEqual([
      'ünïcödé ✓\n',
      'no newline at end',
      'changed\n',
      undefined,
      'spaces\n',
      undefined,
      '',
      undefined,
      undefined,
    ]);
    expect(await showFiles({ cwd: files.dir, files: [] })).toEqual([]);
  });

  test('showFiles outside a repository is GIT_FAILED with git’s message, even when git stops reading early', async () => {
    // 50,000 names: git exits before reading them all, so writing its input fails (EPIPE).
    const many = Array.from({ length: 50_000 }, (_, i) => ({
      rev: 'HEAD',
      path: `projects/p${i}/build-config.yaml`,
    }));
    const error = await showFiles({ cwd: tempDir('not-a-repo'), files: many }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('GIT_FAILED');
    expect(((error as KilnError).cause as Error).message).toMatch(/not a git repository/);
  });

  test.each(['--output=/tmp/x', '', 'a b'])(
    'a revision like %j is refused before git sees it',
    async (rev) => {
      await expect(resolveCommit({ ...git, rev })).rejects.toThrow(/is not a git revision/);
    },
  );

  test('a failing git command is GIT_FAILED with git’s message as cause, secrets masked', async () => {
    const secret = 'glpat-very-secret-value';
    const error = await runGit(['fetch', `https://user:${secret}@127.0.0.1:1/x.git`], {
      ...git,
      mask: (t) => t.split(secret).join('[MASKED]'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('GIT_FAILED');
    expect((error as KilnError).message).toContain('[MASKED]');
    expect((error as KilnError).message).not.toContain(secret);
    expect(String(((error as KilnError).cause as Error).message)).not.toContain(secret);
  });

  test('a missing directory is GIT_FAILED, not a crash', async () => {
    await expect(runGit(['status'], { cwd: '/nonexistent/kiln' })).rejects.toThrow(
      /cannot run git in \/nonexistent\/kiln/,
    );
  });

  test('ensureCommitPresent in a full clone without a remote: not present, and says what it tried', async () => {
    const result = await ensureCommitPresent({ ...git, rev: 'f'.repeat(40), maxDeepen: 100 });
    expect(result).toMatchObject({ present: false, deepenedBy: 0, fetchedDirectly: false });
    expect(result.steps.join('\n')).toContain(`fetching ${'f'.repeat(40)} from origin directly failed`);
  });
});
