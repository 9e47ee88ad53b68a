// `kiln schedule ensure`: creates or updates the weekly rebuild schedule through the GitLab API.
// I/O only: flags and CI variables in, gitlab/schedules.ts does the deciding.
import path from 'node:path';
import { parseCiEnv } from '../ci/ci-env.js';
import { loadSettings } from '../config/settings.js';
import { KilnError, usageError } from '../errors.js';
import { createGitlabClient } from '../gitlab/client.js';
import { gitlabHost, gitlabToken, serverFromApiUrl } from '../gitlab/host.js';
import { ensureSchedule, isCronExpression, SCHEDULE_MARKER, type ScheduleSpec } from '../gitlab/schedules.js';
import { type Command, parseFlags } from './command.js';

export const DEFAULT_SCHEDULE = {
  description: 'kiln weekly rebuild',
  cron: '0 3 * * 1',
  timezone: 'UTC',
} as const;

const HELP = `Usage: kiln schedule ensure [options]

Creates the pipeline schedule that rebuilds the projects listed in the rebuild file, or updates it
when it exists (the schedule with the same description is kiln's; it is never duplicated).

Options:
  --cron EXPR          five-field cron (default: "${DEFAULT_SCHEDULE.cron}", Mondays 03:00)
  --timezone TZ        time zone of the cron (default: ${DEFAULT_SCHEDULE.timezone}), e.g. Europe/Berlin
  --ref BRANCH         branch the scheduled pipeline runs on (default: CI_DEFAULT_BRANCH, else main)
  --description TEXT   the schedule's name (default: "${DEFAULT_SCHEDULE.description}")
  --inactive           create or leave the schedule deactivated
  --project ID|PATH    project id or path (default: CI_PROJECT_ID)
  --gitlab-url URL     GitLab URL or its /api/v4 URL (default: CI_API_V4_URL)
  --root DIR           repository root, for kiln.yaml (default: the current directory)
  -h, --help           show this help

The API token is read from the CI/CD variable named by the gitlab_token_variable setting
(default KILN_GITLAB_TOKEN); it needs the api scope and the Maintainer role.

Exit codes: 0 done, 1 API or settings failure, 2 usage error.`;

const FLAGS = {
  cron: { type: 'string' },
  timezone: { type: 'string' },
  ref: { type: 'string' },
  description: { type: 'string' },
  inactive: { type: 'boolean' },
  project: { type: 'string' },
  'gitlab-url': { type: 'string' },
  root: { type: 'string' },
} as const;

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'manage the weekly rebuild pipeline schedule (schedule ensure)',
  help: HELP,
  async run(argv, ctx) {
    const { values, positionals } = parseFlags(argv, FLAGS, 'schedule', { positionals: true });
    const [action, ...extra] = positionals;
    if (action !== 'ensure') {
      throw usageError(action ? `unknown action "${action}"` : 'missing action', 'run kiln schedule ensure');
    }
    if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}"`, 'run kiln schedule --help');

    const ci = parseCiEnv(ctx.env);
    const spec: ScheduleSpec = {
      description: values.description ?? DEFAULT_SCHEDULE.description,
      ref: values.ref ?? ci.defaultBranch ?? 'main',
      cron: values.cron ?? DEFAULT_SCHEDULE.cron,
      timezone: values.timezone ?? DEFAULT_SCHEDULE.timezone,
      active: !values.inactive,
    };
    if (!isCronExpression(spec.cron)) {
      throw usageError(
        `--cron "${spec.cron}" is not a five-field cron expression`,
        'for example --cron "0 3 * * 1"',
      );
    }
    if (spec.description.trim() === '') throw usageError('--description must not be empty');
    const projectId = values.project ?? ci.projectId;
    if (!projectId) throw usageError('no project: pass --project ID|PATH (CI_PROJECT_ID is not set)');
    const host = values['gitlab-url'] ? serverUrl(values['gitlab-url']) : gitlabHost(ci);
    if (!host) throw usageError('no GitLab URL: pass --gitlab-url URL (CI_API_V4_URL is not set)');

    const settings = await loadSettings({ root: path.resolve(ctx.cwd, values.root ?? '.'), env: ctx.env });
    const token = gitlabToken(ctx.env, settings.gitlabTokenVariable);
    if (!token) {
      throw new KilnError('SETTINGS_INVALID', `no GitLab API token in $${settings.gitlabTokenVariable}`, {
        hint: `store a project access token (api scope, Maintainer) as the masked CI/CD variable ${settings.gitlabTokenVariable}, or set gitlab_token_variable`,
      });
    }
    ctx.log.addSecret(token);

    const api = createGitlabClient({ host, token });
    const result = await ensureSchedule({ api, projectId, spec });
    const what = `pipeline schedule #${result.id} "${spec.description}" (${spec.cron} ${spec.timezone}, ref ${spec.ref}${spec.active ? '' : ', inactive'})`;
    const verb = { create: 'created', update: 'updated', unchanged: 'already up to date:' }[result.action];
    ctx.log.out(`${verb} ${what}`);
    if (result.marker !== 'present') {
      ctx.log.info(
        `${result.marker} its variable ${SCHEDULE_MARKER.key}=${SCHEDULE_MARKER.value}: the component runs kiln only in this schedule`,
      );
    }
    if (result.duplicates.length > 0) {
      ctx.log.warn(
        `schedules ${result.duplicates.map((id) => `#${id}`).join(', ')} have the same description and were left alone; delete them in Build > Pipeline schedules`,
      );
    }
    return 0;
  },
};

/** Accepts the server URL or its API URL; only http(s), so a token never goes elsewhere. */
function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(
      `--gitlab-url "${value}" is not a URL`,
      'for example --gitlab-url https://gitlab.example.com',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`--gitlab-url must be http(s), not ${url.protocol}`);
  }
  return serverFromApiUrl(`${url.origin}${url.pathname}`);
}
