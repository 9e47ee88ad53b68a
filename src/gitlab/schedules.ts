// The weekly rebuild schedule, created or updated through the pipeline schedules API
// (https://docs.gitlab.com/api/pipeline_schedules/). A schedule is kiln's when its description
// matches: running `kiln schedule ensure` twice never adds a second one.
import { KilnError } from '../errors.js';
import { gitlabCall } from './call.js';
import type { GitlabClient } from './client.js';

/**
 * The variable kiln's schedule carries, and the component's rules look for: a project may have
 * other schedules (nightly tests, cleanups), and those run nothing of kiln's.
 */
export const SCHEDULE_MARKER = { key: 'KILN_SCHEDULE', value: 'rebuild' } as const;

// Editing a schedule someone else owns needs Maintainer (GitLab then makes the token's user the owner).
const ACCESS = 'needs the api scope and at least the Maintainer role';

export interface ScheduleSpec {
  description: string;
  /** Branch the scheduled pipeline runs on (`main` or `refs/heads/main`). */
  ref: string;
  /** Five-field cron, e.g. `0 3 * * 1` (Mondays 03:00). */
  cron: string;
  /** A time zone GitLab knows (IANA name like `Europe/Berlin`, or `UTC`). */
  timezone: string;
  active: boolean;
}

/** The fields of a schedule as GitLab returns them (GET /projects/:id/pipeline_schedules). */
export interface ExistingSchedule {
  id: number;
  description: string;
  ref: string;
  cron: string;
  cron_timezone: string;
  active: boolean;
}

export type ScheduleChange =
  | { kind: 'create' }
  | { kind: 'update'; id: number; fields: (keyof ScheduleSpec)[]; duplicates: number[] }
  | { kind: 'unchanged'; id: number; duplicates: number[] };

// Newer GitLab versions store and return the full ref (`refs/heads/main`); older ones the branch name.
function branchOf(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/** Pure: what ensuring `spec` means given the project's schedules (oldest matching one is kiln's). */
export function planScheduleChange(existing: ExistingSchedule[], spec: ScheduleSpec): ScheduleChange {
  const matching = existing.filter((s) => s.description === spec.description).sort((a, b) => a.id - b.id);
  const [ours, ...others] = matching;
  if (!ours) return { kind: 'create' };
  const duplicates = others.map((s) => s.id);
  const fields: (keyof ScheduleSpec)[] = [];
  if (branchOf(ours.ref) !== branchOf(spec.ref)) fields.push('ref');
  if (ours.cron.trim().split(/\s+/).join(' ') !== spec.cron.trim().split(/\s+/).join(' '))
    fields.push('cron');
  if (ours.cron_timezone !== spec.timezone) fields.push('timezone');
  if (ours.active !== spec.active) fields.push('active');
  return fields.length === 0
    ? { kind: 'unchanged', id: ours.id, duplicates }
    : { kind: 'update', id: ours.id, fields, duplicates };
}

/** Five cron fields, each made of the characters cron allows; GitLab validates the rest. */
export function isCronExpression(cron: string): boolean {
  const fields = cron.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[0-9A-Za-z*/,?#LW-]+$/.test(f));
}

export interface EnsureScheduleOptions {
  api: GitlabClient;
  projectId: string;
  spec: ScheduleSpec;
}

export interface EnsureScheduleResult {
  action: ScheduleChange['kind'];
  id: number;
  /** What was done to the marker variable KILN_SCHEDULE=rebuild. */
  marker: 'added' | 'corrected' | 'present';
  /** Schedules with the same description that kiln left alone (created by hand, say). */
  duplicates: number[];
}

/** Creates the schedule, updates it when it differs, or leaves it. Throws GITLAB_API_FAILED. */
export async function ensureSchedule(options: EnsureScheduleOptions): Promise<EnsureScheduleResult> {
  const { api, projectId, spec } = options;
  const existing = (await gitlabCall(`listing the pipeline schedules of project ${projectId}`, ACCESS, () =>
    api.PipelineSchedules.all(projectId, { perPage: 100 }),
  )) as unknown as ExistingSchedule[];
  const change = planScheduleChange(existing, spec);
  if (change.kind === 'create') {
    const created = await gitlabCall(`creating a pipeline schedule in project ${projectId}`, ACCESS, () =>
      api.PipelineSchedules.create(projectId, spec.description, spec.ref, spec.cron, {
        cronTimezone: spec.timezone,
        active: spec.active,
      }),
    );
    const id = Number((created as { id: number }).id);
    return { action: 'create', id, marker: await ensureMarker(api, projectId, id), duplicates: [] };
  }
  if (change.kind === 'update') {
    await gitlabCall(`updating pipeline schedule ${change.id} of project ${projectId}`, ACCESS, () =>
      api.PipelineSchedules.edit(projectId, change.id, {
        ref: spec.ref,
        cron: spec.cron,
        cronTimezone: spec.timezone,
        active: spec.active,
      }),
    );
  }
  const marker = await ensureMarker(api, projectId, change.id);
  return { action: change.kind, id: change.id, marker, duplicates: change.duplicates };
}

/** Sets KILN_SCHEDULE=rebuild on the schedule: a schedule made before kiln marked its own gets it too. */
async function ensureMarker(
  api: GitlabClient,
  projectId: string,
  id: number,
): Promise<EnsureScheduleResult['marker']> {
  const { key, value } = SCHEDULE_MARKER;
  const schedule = (await gitlabCall(`reading pipeline schedule ${id} of project ${projectId}`, ACCESS, () =>
    api.PipelineSchedules.show(projectId, id),
  )) as unknown as { variables?: { key: string; value: string }[] };
  const current = schedule.variables?.find((v) => v.key === key);
  if (current?.value === value) return 'present';
  const what = `the ${key} variable of pipeline schedule ${id} of project ${projectId}`;
  const edit = () =>
    gitlabCall(`updating ${what}`, ACCESS, () =>
      api.PipelineScheduleVariables.edit(projectId, id, key, value),
    );
  if (current) {
    await edit();
    return 'corrected';
  }
  try {
    await gitlabCall(`adding ${what}`, ACCESS, () =>
      api.PipelineScheduleVariables.create(projectId, id, key, value),
    );
    return 'added';
  } catch (error) {
    // GitLab shows a schedule's variables to its owner only: one there already, unseen, is
    // "taken" (HTTP 400); it is set by editing it.
    if (!(error instanceof KilnError) || !/\(HTTP 400\)/.test(error.message)) throw error;
    await edit();
    return 'corrected';
  }
}
