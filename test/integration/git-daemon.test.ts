import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GitDaemon, startGitDaemon } from '../harness/git-daemon.js';

describe('git daemon harness', () => {
  let base: string;
  let daemon: GitDaemon;
  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'kiln-daemon-'));
    execFileSync('git', ['init', '-q', '-b', 'main', path.join(base, 'repo.git')]);
    execFileSync('git', ['-C', path.join(base, 'repo.git'), 'commit', '-q', '--allow-empty', '-m', 'one'], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
      },
    });
    daemon = await startGitDaemon({ baseDir: base });
  });
  afterAll(async () => {
    await daemon?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  test('serves the repositories under baseDir on 127.0.0.1', () => {
    expect(daemon.url).toMatch(/^git:\/\/127\.0\.0\.1:\d+$/);
    const out = execFileSync('git', ['ls-remote', `${daemon.url}/repo.git`, 'refs/heads/main']).toString();
    const head = execFileSync('git', ['-C', path.join(base, 'repo.git'), 'rev-parse', 'HEAD'])
      .toString()
      .trim();
    expect(out).toBe(`${head}\trefs/heads/main\n`);
  });
});
