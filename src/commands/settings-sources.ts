// Where the settings of a run came from, named in the prepare job's first line (names only,
// never values), so a log answers "configured how" before anything else.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ENV_NAMES, SETTINGS_FILE } from '../config/settings.js';
import type { Env } from '../context.js';

/** `defaults < kiln.yaml < KILN_A, KILN_B`: the sources that apply, in the order they override. */
export function settingsSources(root: string, env: Env): string {
  // ECR_REGISTRY is the registry's fallback before kiln.yaml (resolveSettings).
  const sources = ['defaults', ...(env['ECR_REGISTRY'] ? ['ECR_REGISTRY'] : [])];
  if (existsSync(path.join(root, SETTINGS_FILE))) sources.push(SETTINGS_FILE);
  // The component's script unsets empty inputs, so each variable here has a value: an input
  // (KILN_IMAGE always, from its default), a project or pipeline variable.
  const variables = Object.values(ENV_NAMES).filter((name) => env[name] !== undefined);
  if (variables.length > 0) sources.push(`${variables.join(', ')} (variables, component inputs)`);
  return sources.join(' < ');
}
