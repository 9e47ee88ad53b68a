// Runs the real selection (git, config loading) against a scripted repository.
import { parseCiEnv } from '../../../src/ci/ci-env.js';
import { loadProjectsOrThrow } from '../../../src/config/load-projects.js';
import { resolveSettings, type Settings } from '../../../src/config/settings.js';
import { createMemoryLogger } from '../../../src/log.js';
import { runSelection, type SelectionFlags } from '../../../src/select/run-selection.js';
import type { Selection } from '../../../src/types.js';

export interface SelectOptions {
  env?: Record<string, string>;
  flags?: SelectionFlags;
  settings?: Partial<Settings>;
  maxDeepen?: number;
}

export async function select(
  root: string,
  options: SelectOptions = {},
): Promise<Selection & { stderr: string }> {
  const log = createMemoryLogger();
  const ctx = { cwd: root, env: options.env ?? {}, now: new Date('2026-11-23T10:00:00Z'), log };
  const settings = { ...resolveSettings({}), ...options.settings };
  const projects = await loadProjectsOrThrow({ root, projectsDir: settings.projectsDir });
  const selection = await runSelection({
    ctx,
    settings,
    projects,
    ci: parseCiEnv(ctx.env),
    root,
    ...(options.flags ? { flags: options.flags } : {}),
    ...(options.maxDeepen ? { maxDeepen: options.maxDeepen } : {}),
  });
  return { ...selection, stderr: log.stderr.join('') };
}

/** The variables GitLab sets for a push pipeline on `branch`. */
export function pushEnv(head: string, before: string, branch = 'main'): Record<string, string> {
  return {
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_SHA: head,
    CI_COMMIT_SHORT_SHA: head.slice(0, 8),
    CI_COMMIT_BEFORE_SHA: before,
    CI_COMMIT_BRANCH: branch,
    CI_DEFAULT_BRANCH: 'main',
    CI_PROJECT_ID: '42',
  };
}

export const ZERO = '0'.repeat(40);

export const names = (s: Selection) => s.projects.map((p) => p.name);
