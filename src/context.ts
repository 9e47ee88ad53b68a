// The world, injected once: commands receive {cwd, env, now, log} and pass what they need down.
// Nothing below the commands reads process.env, process.cwd() or the clock.
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
  const color = !('NO_COLOR' in env) && Boolean(process.stderr.isTTY);
  return {
    cwd: process.cwd(),
    env,
    now: new Date(),
    log: createLogger({ color, debug: env['KILN_DEBUG'] === '1' }),
  };
}
