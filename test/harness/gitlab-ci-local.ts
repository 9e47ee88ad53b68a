// gitlab-ci-local 4.73.0 (this repository's node_modules; later versions need Node 22) running a
// repository's .gitlab-ci.yml with the shell executor, plus what it reports per job.
//
// What 4.73.0 does with kiln's pipeline (read in its dist/index.js, Job.startTriggerPipeline):
// - `trigger: include: - artifact: X, job: J` IS run: it loads .gitlab-ci-local/artifacts/J/X and runs
//   it as a child pipeline in the same folder, with CI_PIPELINE_SOURCE=parent_pipeline and the
//   trigger job's variables — but NOT the parent's --variable flags (so settings the child jobs
//   need travel as environment variables of the process, which shell jobs inherit).
// - `strategy: depend` is ignored: the trigger job passes even when a child job fails, so callers
//   must read each child job's result (`jobs` below) instead of trusting the exit code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './component-template.js';
import { requireTool } from './tools.js';

export const GITLAB_CI_LOCAL = path.join(REPO_ROOT, 'node_modules/.bin/gitlab-ci-local');

export interface PipelineRun {
  exitCode: number;
  output: string;
  /** Every job that ran, parent and child pipelines alike: name → passed. */
  jobs: Map<string, boolean>;
}

/**
 * The summary gitlab-ci-local prints after each pipeline (child pipelines first): one
 * ` PASS  <name>` / ` FAIL  <name>` line per job that ran, child jobs with a
 * `[trigger] -> ` prefix. Names are taken without it, so parent and child jobs share one map;
 * a job that never started is absent.
 */
export function jobResults(output: string): Map<string, boolean> {
  const jobs = new Map<string, boolean>();
  // (` WARN  …` lines are notices, and allow_failure jobs, which kiln's pipelines do not have.)
  const line = /^ (PASS|FAIL) +(?:\[[^\]\n]*\] -> )*(\S+)/gm;
  for (const match of output.matchAll(line)) {
    jobs.set(match[2]!, match[1] === 'PASS');
  }
  return jobs;
}

export async function runGitlabCiLocal(options: {
  cwd: string;
  variables?: Record<string, string>;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Each chunk of output as it arrives (the demo shows progress). */
  onOutput?: (text: string) => void;
  /** Aborting kills gitlab-ci-local (and with it the running jobs). */
  signal?: AbortSignal;
}): Promise<PipelineRun> {
  requireTool('rsync', 'rsync');
  const args = ['--force-shell-executor', '--no-color'];
  for (const [name, value] of Object.entries(options.variables ?? {}))
    args.push('--variable', `${name}=${value}`);
  const child = spawn(GITLAB_CI_LOCAL, args, {
    cwd: options.cwd,
    env: { ...options.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
  });
  child.on('error', () => {
    // An abort: 'close' still follows and reports the exit.
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    options.onOutput?.(d.toString());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 600_000);
  const exitCode = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  clearTimeout(timer);
  return { exitCode, output, jobs: jobResults(output) };
}
