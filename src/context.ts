// The world, injected once: commands receive {cwd, env, now, log} and pass what they need down.
// Nothing below the commands reads process.env, process.cwd() or the clock.
import { inJob } from './ci/in-job.js';
import { createLogger, type Logger } from './log.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Context {
  cwd: string;
  env: Env;
  now: Date;
  log: Logger;
}

export function processContext(): Context {
  const env = process.env;
  // A GitLab job log renders ANSI colours and collapsible sections; NO_COLOR turns colours off.
  const job = inJob(env);
  const color = !('NO_COLOR' in env) && (job || Boolean(process.stderr.isTTY));
  return {
    cwd: process.cwd(),
    env,
    now: new Date(),
    log: createLogger({ color, sections: job, debug: env['KILN_DEBUG'] === '1' }),
  };
}
