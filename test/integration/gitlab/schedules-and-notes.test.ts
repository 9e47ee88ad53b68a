// GitLab's REST API cannot run here: these tests talk to a local HTTP server on 127.0.0.1 that
// answers as the documented pipeline-schedule and merge-request-note endpoints do
// (see schedules-notes-stub.ts), through the same @gitbeaker/rest client kiln uses in CI.
import { afterEach, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { postPlanNoteStep } from '../../../src/commands/plan-note-step.js';
import { KilnError } from '../../../src/errors.js';
import { createGitlabClient } from '../../../src/gitlab/client.js';
import { PLAN_NOTE_MARKER, planNoteBody, postPlanNote } from '../../../src/gitlab/mr-note.js';
import { ensureSchedule, type ScheduleSpec } from '../../../src/gitlab/schedules.js';
import { createMemoryLogger } from '../../../src/log.js';
import { planOf, project } from '../../unit/plan/fixtures.js';
import { type GitlabStub, startSchedulesNotesStub } from './schedules-notes-stub.js';

const TOKEN = 'glpat-schedule-stub-0123456789';
const WEEKLY: ScheduleSpec = {
  description: 'kiln weekly rebuild',
  ref: 'main',
  cron: '0 3 * * 1',
  timezone: 'UTC',
  active: true,
};

let stub: GitlabStub | undefined;
afterEach(async () => {
  await stub?.stop();
  stub = undefined;
});

async function start(
  seed: Parameters<typeof startSchedulesNotesStub>[0]['schedules'] = [],
  notes: Parameters<typeof startSchedulesNotesStub>[0]['notes'] = [],
  notOwner = false,
) {
  stub = await startSchedulesNotesStub({
    token: TOKEN,
    projectId: 42,
    projectPath: 'acme/images',
    mrIid: 7,
    schedules: seed,
    notes,
    notOwner,
  });
  return { stub, api: createGitlabClient({ host: stub.url, token: TOKEN }) };
}

describe('ensureSchedule', () => {
  test('creates the schedule once, then finds it by description and leaves it', async () => {
    const { stub, api } = await start([
      {
        id: 5,
        description: 'nightly tests',
        ref: 'refs/heads/main',
        cron: '0 1 * * *',
        cron_timezone: 'UTC',
        active: true,
      },
    ]);
    expect(await ensureSchedule({ api, projectId: '42', spec: WEEKLY })).toEqual({
      action: 'create',
      id: 1000,
      marker: 'added',
      duplicates: [],
    });
    expect(stub.requests.find((r) => r.method === 'POST')).toMatchObject({
      path: '/api/v4/projects/42/pipeline_schedules',
      body: { description: 'kiln weekly rebuild', ref: 'main', cron: '0 3 * * 1', cron_timezone: 'UTC' },
    });
    // The marker the component's rules look for: only this schedule runs kiln's jobs.
    expect(stub.schedules.find((s) => s.id === 1000)?.variables).toEqual([
      { key: 'KILN_SCHEDULE', value: 'rebuild', variable_type: 'env_var' },
    ]);
    // GitLab answers with refs/heads/main: still the same schedule, nothing to change.
    expect(await ensureSchedule({ api, projectId: '42', spec: WEEKLY })).toEqual({
      action: 'unchanged',
      id: 1000,
      marker: 'present',
      duplicates: [],
    });
    expect(stub.schedules.find((s) => s.id === 5)?.variables).toBeUndefined();
    expect(stub.schedules.filter((s) => s.description === WEEKLY.description)).toHaveLength(1);
    expect(stub.schedules.find((s) => s.id === 5)?.cron).toBe('0 1 * * *');
  });

  test('updates a changed cron and time zone in place (project given by path), never duplicating', async () => {
    const { stub, api } = await start([
      {
        id: 8,
        description: 'kiln weekly rebuild',
        ref: 'refs/heads/main',
        cron: '0 4 * * 0',
        cron_timezone: 'UTC',
        active: false,
      },
      {
        id: 9,
        description: 'kiln weekly rebuild',
        ref: 'refs/heads/main',
        cron: '0 4 * * 0',
        cron_timezone: 'UTC',
        active: true,
      },
    ]);
    const result = await ensureSchedule({
      api,
      projectId: 'acme/images',
      spec: { ...WEEKLY, timezone: 'Europe/Berlin' },
    });
    expect(result).toEqual({ action: 'update', id: 8, marker: 'added', duplicates: [9] });
    expect(stub.requests.find((r) => r.method === 'PUT')).toMatchObject({
      path: '/api/v4/projects/acme%2Fimages/pipeline_schedules/8',
    });
    expect(stub.schedules.find((s) => s.id === 8)).toMatchObject({
      cron: '0 3 * * 1',
      cron_timezone: 'Europe/Berlin',
      active: true,
    });
    expect(stub.schedules).toHaveLength(2);
  });

  test('a mark it cannot see (the schedule is someone else’s) is set by editing it, not added twice', async () => {
    const theirs = {
      id: 9,
      description: WEEKLY.description,
      ref: 'refs/heads/main',
      cron: WEEKLY.cron,
      cron_timezone: 'UTC',
      active: true,
      variables: [{ key: 'KILN_SCHEDULE', value: 'old', variable_type: 'env_var' }],
    };
    const { stub, api } = await start([theirs], [], true);
    expect(await ensureSchedule({ api, projectId: '42', spec: WEEKLY })).toMatchObject({
      marker: 'corrected',
    });
    expect(stub.schedules[0]?.variables).toEqual([
      { key: 'KILN_SCHEDULE', value: 'rebuild', variable_type: 'env_var' },
    ]);
  });

  test('finds its schedule behind 120 others (follows the pagination Link header)', async () => {
    const others = Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      description: `other ${i}`,
      ref: 'refs/heads/main',
      cron: '0 1 * * *',
      cron_timezone: 'UTC',
      active: true,
    }));
    const ours = {
      id: 500,
      description: WEEKLY.description,
      ref: 'refs/heads/main',
      cron: WEEKLY.cron,
      cron_timezone: 'UTC',
      active: true,
      // Someone changed the marker by hand: kiln sets it back.
      variables: [{ key: 'KILN_SCHEDULE', value: 'nightly', variable_type: 'env_var' }],
    };
    const { stub, api } = await start([...others, ours]);
    expect(await ensureSchedule({ api, projectId: '42', spec: WEEKLY })).toEqual({
      action: 'unchanged',
      id: 500,
      marker: 'corrected',
      duplicates: [],
    });
    // Two pages of the list, then the schedule itself for its variables.
    expect(stub.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(stub.requests.some((r) => r.method === 'POST')).toBe(false);
    expect(stub.schedules.find((s) => s.id === 500)?.variables?.[0]?.value).toBe('rebuild');
  });

  test.each([
    ['a wrong token', 'glpat-wrong-token-000000', '42', /HTTP 401/, /api scope/],
    ['an unknown project', TOKEN, '99', /HTTP 404/, /project id or path/],
  ])('%s fails with GITLAB_API_FAILED, the status and a hint', async (_, token, projectId, message, hint) => {
    const { stub } = await start();
    const api = createGitlabClient({ host: stub.url, token });
    const error = await ensureSchedule({ api, projectId, spec: WEEKLY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('GITLAB_API_FAILED');
    expect((error as KilnError).message).toMatch(message);
    expect((error as KilnError).hint).toMatch(hint);
  });
});

describe('kiln schedule ensure', () => {
  test('reads the token from the variable named by the settings, prints the result, never the token', async () => {
    const { stub } = await start();
    const log = createMemoryLogger();
    const env = {
      CI_API_V4_URL: `${stub.url}/api/v4`,
      CI_PROJECT_ID: '42',
      CI_DEFAULT_BRANCH: 'trunk',
      KILN_GITLAB_TOKEN_VARIABLE: 'IMAGES_API_TOKEN',
      IMAGES_API_TOKEN: TOKEN,
    };
    const argv = [
      'schedule',
      'ensure',
      '--cron',
      '30 2 * * 6',
      '--timezone',
      'Europe/Berlin',
      '--description',
      TOKEN,
    ];
    const code = await main(argv, { cwd: '/nonexistent-root', env, now: new Date(), log });
    expect(code).toBe(0);
    expect(stub.schedules).toMatchObject([
      { cron: '30 2 * * 6', cron_timezone: 'Europe/Berlin', ref: 'refs/heads/trunk' },
    ]);
    const output = [...log.stdout, ...log.stderr].join('');
    expect(output).toMatch(/created pipeline schedule #1000 "\[MASKED\]"/);
    expect(output).not.toContain(TOKEN);
  });

  test.each([
    [['schedule', 'ensure', '--cron', 'every monday'], 2, /not a five-field cron/],
    [['schedule', 'remove'], 2, /unknown action "remove"/],
    [['schedule', 'ensure', '--gitlab-url', 'ftp://gitlab.example.com'], 2, /must be http\(s\)/],
    [
      ['schedule', 'ensure', '--project', '42', '--gitlab-url', 'https://gitlab.example.com'],
      1,
      /no GitLab API token in \$KILN_GITLAB_TOKEN/,
    ],
  ])('%j exits %i with a clear message', async (argv, exit, message) => {
    const log = createMemoryLogger();
    const code = await main(argv, {
      cwd: '/nonexistent-root',
      env: { CI_PROJECT_ID: '42' },
      now: new Date(),
      log,
    });
    expect(code).toBe(exit);
    expect(log.stderr.join('')).toMatch(message);
  });
});

describe('postPlanNote', () => {
  const body = (names: string) =>
    planNoteBody({
      plan: planOf(names.split(' ').map((name) => project(name))),
      pipelineUrl: 'https://gitlab.example.com/acme/images/-/pipelines/9',
    });

  test('posts one note, then updates that same note, and leaves it when nothing changed', async () => {
    const { stub, api } = await start(
      [],
      [
        { id: 1, body: 'Looks good to me', system: false },
        { id: 2, body: `added 1 commit ${PLAN_NOTE_MARKER}`, system: true },
      ],
    );
    const first = await postPlanNote({ api, projectId: 42, mrIid: 7, body: body('nginx') });
    expect(first).toEqual({ action: 'created', noteId: 1000 });
    const second = await postPlanNote({
      api,
      projectId: 42,
      mrIid: 7,
      body: body('nginx redis'),
    });
    expect(second).toEqual({ action: 'updated', noteId: 1000 });
    const third = await postPlanNote({
      api,
      projectId: 42,
      mrIid: 7,
      body: body('nginx redis'),
    });
    expect(third).toEqual({ action: 'unchanged', noteId: 1000 });
    expect(stub.notes.filter((n) => n.body.includes(PLAN_NOTE_MARKER) && !n.system)).toHaveLength(1);
    expect(stub.notes.find((n) => n.id === 1000)?.body).toContain('| redis | `changed: projects/redis/x` |');
    expect(stub.notes.find((n) => n.id === 1)?.body).toBe('Looks good to me');
  });

  test.each([
    ['early in a long discussion: one page read', 5, 1000, 1],
    ['on the third page', 230, 250, 3],
    ['absent: every page read, then created', -1, 250, 3],
  ])('finds kiln’s note %s', async (_, position, total, pages) => {
    const seed = Array.from({ length: total }, (_, i) => ({
      id: i + 1,
      body: i === position ? `${PLAN_NOTE_MARKER}\nold plan` : `comment ${i}`,
      system: false,
    }));
    const { stub, api } = await start([], seed);
    const result = await postPlanNote({ api, projectId: 42, mrIid: 7, body: body('fresh') });
    expect(result).toEqual(
      position < 0 ? { action: 'created', noteId: 1000 } : { action: 'updated', noteId: position + 1 },
    );
    expect(stub.requests.filter((r) => r.method === 'GET')).toHaveLength(pages);
    expect(stub.notes.filter((n) => n.body.includes(PLAN_NOTE_MARKER))).toHaveLength(1);
  });

  test('adds the marker to a body without it, so the next run finds the note', async () => {
    const { stub, api } = await start();
    await postPlanNote({ api, projectId: 'acme/images', mrIid: 7, body: 'plain text' });
    expect(stub.notes[0]?.body).toBe(`${PLAN_NOTE_MARKER}\nplain text`);
    expect((await postPlanNote({ api, projectId: 'acme/images', mrIid: 7, body: 'plain text' })).action).toBe(
      'unchanged',
    );
  });
});

describe('postPlanNoteStep (the prepare job on merge requests)', () => {
  const mrEnv = (url: string, extra: Record<string, string> = {}) => ({
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '7',
    CI_PROJECT_ID: '42',
    CI_API_V4_URL: `${url}/api/v4`,
    CI_PIPELINE_URL: 'https://gitlab.example.com/acme/images/-/pipelines/31',
    KILN_GITLAB_TOKEN: TOKEN,
    ...extra,
  });
  const settings = { gitlabTokenVariable: 'KILN_GITLAB_TOKEN' };

  test('posts the plan once and updates it on the next pipeline', async () => {
    const { stub } = await start();
    const log = createMemoryLogger();
    const ctx = { cwd: '/', env: mrEnv(stub.url), now: new Date(), log };
    expect(await postPlanNoteStep({ ctx, settings, plan: planOf([project('nginx')]) })).toEqual({
      action: 'created',
      noteId: 1000,
    });
    expect(
      await postPlanNoteStep({ ctx, settings, plan: planOf([project('nginx'), project('redis')]) }),
    ).toEqual({
      action: 'updated',
      noteId: 1000,
    });
    expect(stub.notes).toHaveLength(1);
    expect(stub.notes[0]?.body).toContain(
      '[pipeline](https://gitlab.example.com/acme/images/-/pipelines/31)',
    );
    expect(log.stderr.join('')).toContain('plan note: updated note 1000 on !7');
  });

  test.each([
    ['a push pipeline', { CI_PIPELINE_SOURCE: 'push' }],
    ['no token', { KILN_GITLAB_TOKEN: '' }],
  ])('does nothing on %s', async (_, extra) => {
    const { stub } = await start();
    const ctx = { cwd: '/', env: mrEnv(stub.url, extra), now: new Date(), log: createMemoryLogger() };
    expect(await postPlanNoteStep({ ctx, settings, plan: planOf([project('x')]) })).toBeUndefined();
    expect(stub.requests).toEqual([]);
  });

  test('an API failure is a warning, not a failed job, and the token stays masked', async () => {
    const { stub } = await start();
    const log = createMemoryLogger();
    const env = mrEnv(stub.url, { KILN_GITLAB_TOKEN: 'glpat-revoked-token-999999' });
    expect(
      await postPlanNoteStep({
        ctx: { cwd: '/', env, now: new Date(), log },
        settings,
        plan: planOf([project('x')]),
      }),
    ).toBeUndefined();
    const output = log.stderr.join('');
    expect(output).toMatch(
      /warning: plan note not posted: listing the notes of merge request !7 of project 42 failed \(HTTP 401\)/,
    );
    expect(output).not.toContain('glpat-revoked-token-999999');
  });
});
