// A real `git daemon` on 127.0.0.1 serving every repository under `baseDir` (git://127.0.0.1:PORT/<path>).
// Tests of pinned sources and the end-to-end pipeline clone and ls-remote against it.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './net.js';
import { requireTool } from './tools.js';

export interface GitDaemon {
  /** `git://127.0.0.1:PORT` — append `/<repo path relative to baseDir>`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function launch(baseDir: string, port: number, maxConnections?: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'git',
      [
        'daemon',
        '--verbose',
        '--export-all',
        '--reuseaddr',
        '--informative-errors',
        `--base-path=${baseDir}`,
        '--listen=127.0.0.1',
        `--port=${port}`,
        ...(maxConnections !== undefined ? [`--max-connections=${maxConnections}`] : []),
        baseDir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      // git daemon logs "Ready to rumble" once it listens.
      if (stderr.includes('Ready to rumble')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`git daemon exited (${code}): ${stderr.trim()}`)));
  });
}

/**
 * Starts `git daemon` for `baseDir` on a free port (retrying if another test grabbed it first).
 * `maxConnections`: git daemon serves 32 clients at once unless told otherwise (0 = no limit).
 */
export async function startGitDaemon(options: {
  baseDir: string;
  maxConnections?: number;
}): Promise<GitDaemon> {
  requireTool('git', 'git');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      const child = await launch(options.baseDir, port, options.maxConnections);
      child.removeAllListeners('exit');
      return {
        url: `git://127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`could not start git daemon: ${String(lastError)}`);
}
