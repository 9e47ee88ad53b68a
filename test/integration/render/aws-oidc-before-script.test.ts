// The before_script kiln renders into push jobs for ECR with GitLab OIDC, run under busybox sh (the
// shell of the Kaniko debug image): it must pick the role from the component input or, when that
// is empty, from a project-level AWS_ROLE_ARN, and write the ID token where the AWS SDK reads it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assemblePlan } from '../../../src/plan/assemble-plan.js';
import { childPipeline } from '../../../src/render/render-child-pipeline.js';
import { resolveExtends } from '../../harness/gitlab-extends.js';
import { requireTool } from '../../harness/tools.js';
import { PIPELINE, pins, project, selection, settings } from '../../unit/plan/fixtures.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.e30.b2lkYw';
let work: string;

beforeAll(() => {
  requireTool('busybox', 'busybox-static');
  work = mkdtempSync(path.join(tmpdir(), 'kiln-oidc-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function beforeScript(): string[] {
  const projects = [project('web')];
  const plan = assemblePlan({
    selection: selection(['web']),
    projects,
    settings: settings({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/images' }),
    pinned: pins(projects),
    pipeline: PIPELINE,
    awsRoleArnSet: true,
  });
  const job = (resolveExtends(childPipeline(plan)) as Record<string, { before_script?: string[] }>)[
    'build:web:amd64'
  ];
  return job?.before_script ?? [];
}

/** Runs the before_script with `env`, then prints the role and the token file's contents. */
function run(env: Record<string, string>): { role: string; token: string } {
  const script = [
    ...beforeScript(),
    'printf "%s\\n" "${AWS_ROLE_ARN:-}"',
    'if [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then cat "$AWS_WEB_IDENTITY_TOKEN_FILE"; fi',
  ].join('\n');
  const out = execFileSync('busybox', ['sh', '-euc', script], {
    env: { PATH: process.env['PATH'] ?? '', TMPDIR: work, KILN_AWS_ID_TOKEN: TOKEN, ...env },
    encoding: 'utf8',
  });
  const [role = '', token = ''] = out.split('\n');
  return { role, token };
}

describe('ECR OIDC before_script (busybox sh)', () => {
  test('the component input wins', () => {
    expect(
      run({ KILN_AWS_ROLE_ARN: 'arn:aws:iam::1:role/input', AWS_ROLE_ARN: 'arn:aws:iam::1:role/project' }),
    ).toEqual({
      role: 'arn:aws:iam::1:role/input',
      token: TOKEN,
    });
  });

  test('an empty input leaves a project-level AWS_ROLE_ARN in place', () => {
    expect(run({ KILN_AWS_ROLE_ARN: '', AWS_ROLE_ARN: 'arn:aws:iam::1:role/project' })).toEqual({
      role: 'arn:aws:iam::1:role/project',
      token: TOKEN,
    });
  });

  test('no role anywhere: no token file is written', () => {
    expect(run({})).toEqual({ role: '', token: '' });
  });
});
