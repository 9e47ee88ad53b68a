// Real temporary git repositories with scripted histories, for the selection tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTool } from '../../harness/tools.js';

export interface ScriptedRepo {
  dir: string;
  git(...args: string[]): string;
  write(files: Record<string, string>): void;
  remove(...paths: string[]): void;
  move(from: string, to: string): void;
  /** Stages everything and commits; returns the new SHA. */
  commit(message: string): string;
  sha(rev?: string): string;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'kiln test',
  GIT_AUTHOR_EMAIL: 'test@kiln.invalid',
  GIT_COMMITTER_NAME: 'kiln test',
  GIT_COMMITTER_EMAIL: 'test@kiln.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `kiln-${prefix}-`));
}

export function openRepo(dir: string): ScriptedRepo {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
  return {
    dir,
    git,
    write(files) {
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
    },
    remove(...paths) {
      for (const p of paths) rmSync(path.join(dir, p), { recursive: true, force: true });
    },
    move(from, to) {
      mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
      renameSync(path.join(dir, from), path.join(dir, to));
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    sha: (rev = 'HEAD') => git('rev-parse', rev),
  };
}

export function createRepo(prefix = 'repo'): ScriptedRepo {
  requireTool('git', 'git');
  const dir = tempDir(prefix);
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env: GIT_ENV });
  return openRepo(dir);
}

/** A minimal valid build-config.yaml; `comment` lets a test change only comments. */
export function buildConfig(name: string, extra = '', comment = ''): string {
  return [
    `# ${name}${comment}`,
    `upstream_repo: https://github.com/example/${name}.git`,
    'upstream_ref: v1.0.0',
    'platforms:',
    '  - linux/amd64',
    '  - linux/arm64',
    extra,
  ].join('\n');
}

/** Files of a project folder: its config and a Dockerfile. */
export function projectFiles(name: string, extra = ''): Record<string, string> {
  return {
    [`projects/${name}/build-config.yaml`]: buildConfig(name, extra),
    [`projects/${name}/Dockerfile`]: `FROM scratch\nLABEL name=${name}\n`,
  };
}
