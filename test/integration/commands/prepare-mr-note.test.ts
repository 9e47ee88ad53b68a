// kiln prepare on a merge request posts the plan as one MR note (and updates it on the next
// pipeline). GitLab's REST API cannot run here: a local HTTP server on 127.0.0.1 answers as the
// documented notes endpoints do (test/integration/gitlab/schedules-notes-stub.ts); the monorepo is
// a real git repository with a local-context project (no upstream to pin).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/cli.js';
import { PLAN_NOTE_MARKER } from '../../../src/gitlab/mr-note.js';
import { createMemoryLogger } from '../../../src/log.js';
import { type GitlabStub, startSchedulesNotesStub } from '../gitlab/schedules-notes-stub.js';
import { createRepo, type ScriptedRepo } from '../select/scripted-repo.js';

const TOKEN = 'glpat-prepare-note-0123456789';
let stub: GitlabStub;
let mono: ScriptedRepo;
let base: string;

beforeAll(async () => {
  stub = await startSchedulesNotesStub({
    token: TOKEN,
    projectId: 42,
    projectPath: 'acme/images',
    mrIid: 12,
  });
  mono = createRepo('prepare-note');
  mono.write({ 'README.md': '# images\n' });
  base = mono.commit('base');
  mono.write({
    'projects/hello/build-config.yaml': 'use_local_context: true\nplatforms: [linux/amd64]\n',
    'projects/hello/Dockerfile': 'FROM scratch\n',
  });
  mono.commit('hello');
});
afterAll(async () => {
  await stub?.stop();
  rmSync(mono.dir, { recursive: true, force: true });
});

async function prepare(extra: Record<string, string> = {}) {
  const log = createMemoryLogger();
  const env = {
    GITLAB_CI: 'true',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '12',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_COMMIT_SHA: mono.sha(),
    CI_PIPELINE_ID: '90',
    CI_PIPELINE_CREATED_AT: '2026-11-23T10:00:00Z',
    CI_PIPELINE_URL: 'https://gitlab.example.com/acme/images/-/pipelines/90',
    CI_PROJECT_ID: '42',
    CI_API_V4_URL: `${stub.url}/api/v4`,
    KILN_REGISTRY: 'registry.example.com/images',
    KILN_GITLAB_TOKEN: TOKEN,
    ...extra,
  };
  const code = await main(['prepare'], { cwd: mono.dir, env, now: new Date('2026-11-23T10:00:00Z'), log });
  return { code, output: [...log.stdout, ...log.stderr].join('') };
}

describe('kiln prepare on a merge request', () => {
  test('posts the plan table as one note, then updates that note', async () => {
    const first = await prepare();
    expect(first.code).toBe(0);
    expect(first.output).toContain('plan note: created note');
    expect(stub.notes).toHaveLength(1);
    expect(stub.notes[0]!.body.startsWith(PLAN_NOTE_MARKER)).toBe(true);
    expect(stub.notes[0]!.body).toContain('hello');

    const second = await prepare({
      CI_PIPELINE_URL: 'https://gitlab.example.com/acme/images/-/pipelines/91',
    });
    expect(second.code).toBe(0);
    expect(second.output).toContain('plan note: updated note');
    expect(stub.notes).toHaveLength(1);
    expect(stub.notes[0]!.body).toContain('pipelines/91');
    expect(second.output).not.toContain(TOKEN);
  });

  test('without a token it plans and posts nothing', async () => {
    const before = stub.requests.length;
    const run = await prepare({ KILN_GITLAB_TOKEN: '' });
    expect(run.code).toBe(0);
    expect(run.output).toContain('plan note: skipped');
    expect(stub.requests.length).toBe(before);
  });
});
