// buildah reaches ECR with the job's GitLab OIDC role, no static keys (issue 15). The buildah job
// script runs for real in busybox sh: it pulls kiln's job image (laid out as the Dockerfile does,
// harness/kiln-image.ts), runs `kiln ecr-password` in it with `buildah run`, and logs buildah in
// with that password, then builds and pushes. AWS cannot run here: STS and ECR are a local server
// answering as their documented APIs do (harness/aws-contract.ts). The push target is a real
// distribution registry behind htpasswd with user AWS and the password that server hands out,
// standing in for the ECR registry's own side.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildahBuilder } from '../../src/builders/buildah/buildah-builder.js';
import type { BuildJobSpec } from '../../src/types.js';
import { type AwsContractServer, startAwsContractServer } from '../harness/aws-contract.js';
import { type BuildahStorage, createBuildahStorage, pushBaseImage } from '../harness/base-image.js';
import { type GitDaemon, startGitDaemon } from '../harness/git-daemon.js';
import { createUpstreamRepo } from '../harness/git-repo.js';
import { jobVariables } from '../harness/job-variables.js';
import { pushKilnImage } from '../harness/kiln-image.js';
import { skopeoInspect, startRegistry, type TestRegistry } from '../harness/registry.js';
import { requireTool } from '../harness/tools.js';

const run = promisify(execFile);
const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/kiln-builds';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.gitlab-oidc-id-token.signature';
const PASSWORD = 'ecr-registry-password-6f1d2c';

let work: string;
let open: TestRegistry;
let ecrSide: TestRegistry;
let aws: AwsContractServer;
let daemon: GitDaemon;
let storage: BuildahStorage;
let base: string;
let helperImage: string;
let sha: string;

beforeAll(async () => {
  requireTool('busybox', 'busybox-static');
  work = await mkdtemp(path.join(tmpdir(), 'kiln-buildah-ecr-'));
  [open, ecrSide, storage, aws] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: { username: 'AWS', password: PASSWORD } }),
    createBuildahStorage(),
    startAwsContractServer({ webIdentityToken: ID_TOKEN, roleArn: ROLE, registryPassword: PASSWORD }),
  ]);
  base = await pushBaseImage({ repository: `${open.host}/base`, tag: '1', storage });
  helperImage = await pushKilnImage({ reference: `${open.host}/kiln:test`, storage });
  const upstream = await createUpstreamRepo(path.join(work, 'git', 'upstream.git'));
  sha = await upstream.git(['rev-parse', 'HEAD']);
  daemon = await startGitDaemon({ baseDir: path.join(work, 'git') });
}, 240_000);

afterAll(async () => {
  await daemon?.stop();
  await Promise.all([open?.stop(), ecrSide?.stop(), aws?.stop()]);
  await storage?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

function spec(name: string): BuildJobSpec {
  return {
    project: name,
    platform: 'linux/amd64',
    arch: 'amd64',
    source: {
      kind: 'git',
      url: `${daemon.url}/upstream.git`,
      ref: 'main',
      sha,
      resolvedRef: 'refs/heads/main',
    },
    contextPath: 'docker',
    dockerfile: 'Dockerfile',
    target: 'build',
    buildArgs: [{ name: 'BASE', value: base }],
    destination: `${ecrSide.host}/images:${name}-amd64`,
    cacheTtl: '168h',
    digestFile: path.join(work, 'digests', `${name}.digest`),
    labels: {},
    compression: 'gzip',
    insecureRegistry: true,
    ecrLogin: { registry: ECR_HOST, helperImage },
  };
}

const jobTmp = (job: BuildJobSpec) => path.join(work, `tmp-${job.project}`);

/** The job as GitLab runs it: before_script (the ID token written to a file) and script, in busybox sh. */
async function runJob(job: BuildJobSpec, idToken: string) {
  const tokenFile = path.join(work, `id-token-${job.project}`);
  await writeFile(tokenFile, idToken);
  await mkdir(jobTmp(job), { recursive: true });
  const script = buildahBuilder.script(job).join('\n');
  return run('busybox', ['sh', '-e', '-c', script], {
    cwd: work,
    env: {
      ...process.env,
      ...storage.env,
      ...jobVariables(buildahBuilder, job),
      AWS_ROLE_ARN: ROLE,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_ECR: aws.url,
      TMPDIR: jobTmp(job),
    },
    maxBuffer: 32 * 1024 * 1024,
  }).then(
    (result) => ({ ok: true, ...result }),
    (error: { stdout: string; stderr: string }) => ({
      ok: false,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe('buildah to ECR through GitLab OIDC', () => {
  test('the job gets the ECR password from its role inside kiln’s image, pushes, and never shows it', async () => {
    const job = spec('app');
    const result = await runJob(job, ID_TOKEN);
    expect(result.ok, result.stderr).toBe(true);
    // STS exchanged the job's ID token; ECR answered the request signed with those credentials.
    expect(aws.calls).toEqual(['sts:AssumeRoleWithWebIdentity', 'ecr:GetAuthorizationToken']);
    const digest = (await readFile(job.digestFile, 'utf8')).trim();
    const pushed = await skopeoInspect(job.destination, ['--creds', `AWS:${PASSWORD}`]);
    expect(pushed['Digest']).toBe(digest);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
    expect(buildahBuilder.script(job).join('\n')).not.toContain(PASSWORD);
    // The auth file lived in the job's own folder (mktemp -d under TMPDIR), removed when it ended.
    expect(await readdir(jobTmp(job))).toEqual([]);
  }, 240_000);

  test('a token STS refuses fails the job before anything is built or pushed', async () => {
    const job = spec('refused');
    const result = await runJob(job, 'not-the-gitlab-token');
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/InvalidIdentityToken/);
    expect(result.stdout).not.toMatch(/STEP 1\/|Writing manifest/);
    expect(existsSync(job.digestFile)).toBe(false);
  }, 120_000);
});
