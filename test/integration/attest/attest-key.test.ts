// kiln attest in key mode with the real tools: cosign and syft (pinned, built from the Go module
// proxy), a distribution registry on 127.0.0.1, per-architecture images built with buildah that
// really contain a Debian package (busybox-static, with its dpkg status). kiln manifest pushes the
// index, kiln attest signs it and its children; then stock `cosign verify` and `cosign
// verify-attestation`, the commands a consumer runs, are the judge.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREDICATE_TYPES } from '../../../src/attest/cosign-args.js';
import { main } from '../../../src/cli.js';
import type { Context } from '../../../src/context.js';
import { createMemoryLogger } from '../../../src/log.js';
import type { ManifestSpec } from '../../../src/types.js';
import {
  type BuildahStorage,
  busyboxPackage,
  commitRootfs,
  createBuildahStorage,
} from '../../harness/base-image.js';
import { REPO_ROOT } from '../../harness/component-template.js';
import { attestedStatements, cosignVerify } from '../../harness/cosign.js';
import { goTool } from '../../harness/go-tools.js';
import { kanikoProvenance } from '../../harness/manifest-fixture.js';
import { skopeoRaw, startRegistry, type TestRegistry } from '../../harness/registry.js';
import { requireTool } from '../../harness/tools.js';

const run = promisify(execFile);
const PASSWORD = 'kiln-test-password-7f3a';
// Written in the config as the text `$UPSTREAM_TOKEN`: the provenance keeps the text, never the value.
const BUILD_ARGS = { VERSION: '1.2.3', TOKEN_USER: '$UPSTREAM_TOKEN' };

let registry: TestRegistry;
let storage: BuildahStorage;
let dir: string;
let cosign: string;
let syft: string;
let keyFile: string;
let pubFile: string;
let counter = 0;

/** cosign generate-key-pair writes cosign.key / cosign.pub in its working folder. */
async function keyPair(folder: string, password: string): Promise<{ key: string; pub: string }> {
  await mkdir(folder, { recursive: true });
  await run(cosign, ['generate-key-pair'], {
    cwd: folder,
    env: { ...process.env, COSIGN_PASSWORD: password },
  });
  return { key: path.join(folder, 'cosign.key'), pub: path.join(folder, 'cosign.pub') };
}

/** A scratch image holding busybox and the dpkg record of busybox-static, pushed by digest file. */
async function pushPackaged(reference: string, arch: 'amd64' | 'arm64'): Promise<string> {
  const { binary, status } = await busyboxPackage(arch);
  const rootfs = await mkdtemp(path.join(storage.dir, `rootfs-${arch}-`));
  await mkdir(path.join(rootfs, 'bin'));
  await mkdir(path.join(rootfs, 'var/lib/dpkg'), { recursive: true });
  await copyFile(binary, path.join(rootfs, 'bin/busybox'));
  await symlink('busybox', path.join(rootfs, 'bin/sh'));
  await writeFile(path.join(rootfs, 'var/lib/dpkg/status'), `${status.trimEnd()}\n\n`);
  await writeFile(path.join(rootfs, 'build-id'), `${reference}\n`);
  const image = await commitRootfs({ storage, rootfs, arch, path: '/bin', name: `kiln-attest-${counter}` });
  const digestFile = path.join(storage.dir, `digest-${counter}-${arch}`);
  await run(
    'buildah',
    ['push', '--quiet', '--tls-verify=false', '--digestfile', digestFile, image, `docker://${reference}`],
    { env: { ...process.env, ...storage.env } },
  );
  return (await readFile(digestFile, 'utf8')).trim();
}

interface Pipeline {
  spec: ManifestSpec;
  specFile: string;
  digests: Record<string, string>;
}

/** What the build jobs of one project leave: both children pushed, digest files, the manifest spec. */
async function pipeline(project: string): Promise<Pipeline> {
  counter += 1;
  const repository = `${registry.host}/kiln/signed${counter}`;
  const tag = `${project}-20261204-abc1234`;
  await mkdir(path.join(dir, 'digests'), { recursive: true });
  const digests: Record<string, string> = {};
  const children: ManifestSpec['children'] = [];
  for (const arch of ['amd64', 'arm64'] as const) {
    digests[arch] = await pushPackaged(`${repository}:${tag}-${arch}`, arch);
    const digestFile = path.join('digests', `${project}-${arch}.digest`);
    await writeFile(path.join(dir, digestFile), `${digests[arch]}\n`);
    children.push({ platform: `linux/${arch}`, arch, tag: `${tag}-${arch}`, digestFile });
  }
  const sha = 'c0ffee'.padEnd(40, '0');
  const spec: ManifestSpec = {
    project,
    repository,
    tags: [tag, `${project}-latest`],
    children,
    upstream: { repo: 'https://git.example.com/team/app.git', ref: 'v1.2.3', sha },
    created: '2026-12-04T10:00:00Z',
    insecureRegistry: true,
    signing: {
      mode: 'key',
      key: 'COSIGN_PRIVATE_KEY',
      passwordVariable: 'COSIGN_PASSWORD',
      sbomFormat: 'spdx-json',
    },
    provenance: kanikoProvenance(project, {
      source: { uri: 'https://git.example.com/team/app.git', ref: 'v1.2.3', sha },
      target: 'runtime',
      buildArgs: BUILD_ARGS,
    }),
  };
  const specFile = path.join(dir, `${project}-${counter}.spec.json`);
  await writeFile(specFile, JSON.stringify(spec));
  return { spec, specFile, digests };
}

/** The manifest job's environment: its CI variables, the key and password, cosign and syft on PATH. */
function jobEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${path.dirname(cosign)}:${path.dirname(syft)}:${process.env['PATH']}`,
    HOME: dir,
    CI_JOB_ID: '501',
    CI_PIPELINE_ID: '77',
    CI_PROJECT_URL: 'https://gitlab.example.com/platform/images',
    CI_PIPELINE_URL: 'https://gitlab.example.com/platform/images/-/pipelines/77',
    CI_JOB_URL: 'https://gitlab.example.com/platform/images/-/jobs/501',
    CI_COMMIT_SHA: 'd'.repeat(40),
    CI_COMMIT_REF_NAME: 'main',
    UPSTREAM_TOKEN: 'glpat-secret-value-never-printed',
    COSIGN_PRIVATE_KEY: keyFile,
    COSIGN_PASSWORD: PASSWORD,
    ...overrides,
  };
}

async function kiln(args: string[], env: Record<string, string>) {
  const log = createMemoryLogger();
  const ctx: Context = { cwd: dir, env, now: new Date('2026-12-04T10:30:00Z'), log };
  const code = await main(args, ctx);
  return { code, stdout: log.stdout.join(''), stderr: log.stderr.join('') };
}

/** Stock cosign, as a consumer runs it, with the team's public key (or another). */
function verify(args: string[], publicKey = pubFile) {
  return cosignVerify({ cosign, args, publicKey, home: dir });
}

async function signedPipeline(
  project: string,
): Promise<Pipeline & { indexDigest: string; attest: Awaited<ReturnType<typeof kiln>> }> {
  const fx = await pipeline(project);
  const manifest = await kiln(['manifest', '--project', project, '--spec', fx.specFile], jobEnv());
  expect(manifest.stderr).not.toMatch(/error/i);
  expect(manifest.code).toBe(0);
  const report = JSON.parse(await readFile(path.join(dir, 'kiln-reports', `${project}.json`), 'utf8'));
  const attest = await kiln(['attest', '--project', project, '--spec', fx.specFile], jobEnv());
  return { ...fx, indexDigest: report.indexDigest as string, attest };
}

beforeAll(async () => {
  requireTool('buildah', 'buildah');
  requireTool('skopeo', 'skopeo');
  cosign = goTool('cosign');
  syft = goTool('syft');
  dir = await mkdtemp(path.join(tmpdir(), 'kiln-attest-'));
  [registry, storage] = await Promise.all([startRegistry(), createBuildahStorage()]);
  ({ key: keyFile, pub: pubFile } = await keyPair(path.join(dir, 'keys'), PASSWORD));
}, 600_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), storage?.cleanup()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kiln attest, key mode, verified by stock cosign', () => {
  let fx: Awaited<ReturnType<typeof signedPipeline>>;
  beforeAll(async () => {
    fx = await signedPipeline('app');
  }, 600_000);

  test('signs the index and both children by digest, index last', () => {
    expect(fx.attest.stderr).not.toMatch(/error/);
    expect(fx.attest.code).toBe(0);
    expect(fx.attest.stdout.trim().split('\n')).toEqual([
      `${fx.spec.repository}@${fx.digests['amd64']}`,
      `${fx.spec.repository}@${fx.digests['arm64']}`,
      `${fx.spec.repository}@${fx.indexDigest}`,
    ]);
  });

  test.each(['index', 'amd64', 'arm64'])('cosign verify --key accepts the %s', async (which) => {
    const digest = which === 'index' ? fx.indexDigest : fx.digests[which]!;
    const result = await verify(['verify', `${fx.spec.repository}@${digest}`]);
    expect(result.stderr).toContain('The signatures were verified against the specified public key');
    expect(result.ok).toBe(true);
    const [payload] = JSON.parse(result.stdout) as {
      critical: { image: { 'docker-manifest-digest': string } };
    }[];
    expect(payload?.critical.image['docker-manifest-digest']).toBe(digest);
  });

  test('cosign verify by tag checks the digest the tag points at: every tag is the signed index', async () => {
    for (const tag of fx.spec.tags) {
      const result = await verify(['verify', `${fx.spec.repository}:${tag}`]);
      expect(result.ok).toBe(true);
      expect(JSON.parse(result.stdout)[0].critical.image['docker-manifest-digest']).toBe(fx.indexDigest);
    }
  });

  test.each(['amd64', 'arm64'] as const)(
    'the %s child has SLSA v1 provenance from the plan, with build args as written and no secret',
    async (arch) => {
      const image = `${fx.spec.repository}@${fx.digests[arch]}`;
      const result = await verify(['verify-attestation', '--type', PREDICATE_TYPES.provenance, image]);
      expect(result.ok).toBe(true);
      const [statement, more] = attestedStatements(result.stdout);
      expect(more).toBeUndefined();
      expect(statement?.predicateType).toBe('https://slsa.dev/provenance/v1');
      expect(statement?.subject[0]?.digest.sha256).toBe(fx.digests[arch]!.replace('sha256:', ''));
      const { buildDefinition, runDetails } = statement!.predicate;
      expect(buildDefinition.externalParameters).toMatchObject({
        source: { uri: 'https://git.example.com/team/app.git', ref: 'v1.2.3' },
        dockerfile: 'Dockerfile',
        target: 'runtime',
        platform: `linux/${arch}`,
        buildArgs: BUILD_ARGS,
      });
      expect(buildDefinition.resolvedDependencies[0]).toEqual({
        uri: 'git+https://git.example.com/team/app.git@v1.2.3',
        digest: { gitCommit: fx.spec.upstream!.sha },
      });
      expect(buildDefinition.internalParameters).toMatchObject({
        builder: 'kaniko',
        pipelineUrl: 'https://gitlab.example.com/platform/images/-/pipelines/77',
        buildJobs: [`build:app:${arch}`],
      });
      expect(runDetails.builder.id).toBe('https://gitlab.example.com/platform/images');
      expect(runDetails.builder.builderDependencies[0].uri).toBe('pkg:docker/martizih/kaniko:v1.28.3-debug');
      // kiln writes SLSA's `invocationId`; cosign parses the predicate into in-toto-golang's struct
      // (case-insensitive JSON) and writes it back as `invocationID`, which is what consumers read.
      expect(runDetails.metadata.invocationID).toBe('https://gitlab.example.com/platform/images/-/jobs/501');
      expect(Date.parse(runDetails.metadata.finishedOn)).toBeGreaterThanOrEqual(
        Date.parse(runDetails.metadata.startedOn),
      );
      const text = JSON.stringify(statement);
      expect(text).not.toContain('glpat-secret-value-never-printed');
      expect(text).not.toContain(PASSWORD);
    },
  );

  test('the index provenance resolves to both children by digest', async () => {
    const result = await verify([
      'verify-attestation',
      '--type',
      PREDICATE_TYPES.provenance,
      `${fx.spec.repository}@${fx.indexDigest}`,
    ]);
    expect(result.ok).toBe(true);
    const [statement] = attestedStatements(result.stdout);
    const deps = statement!.predicate.buildDefinition.resolvedDependencies as {
      digest: { sha256?: string };
    }[];
    expect(deps.slice(1).map((d) => `sha256:${d.digest.sha256}`)).toEqual([
      fx.digests['amd64'],
      fx.digests['arm64'],
    ]);
    expect(statement!.predicate.buildDefinition.externalParameters.platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  test.each(['amd64', 'arm64'] as const)(
    'the %s SBOM is attested and kept as an artifact, and lists the Debian package the image holds',
    async (arch) => {
      const { status } = await busyboxPackage(arch);
      const version = /^Version: (.+)$/m.exec(status)?.[1];
      const image = `${fx.spec.repository}@${fx.digests[arch]}`;
      const result = await verify(['verify-attestation', '--type', PREDICATE_TYPES['spdx-json'], image]);
      expect(result.ok, result.stderr).toBe(true);
      const [statement] = attestedStatements(result.stdout);
      expect(statement?.predicateType).toBe('https://spdx.dev/Document');
      const packages = statement!.predicate.packages as { name: string; versionInfo?: string }[];
      expect(packages).toContainEqual(
        expect.objectContaining({ name: 'busybox-static', versionInfo: version }),
      );
      const artifact = JSON.parse(
        await readFile(path.join(dir, 'kiln-sbom', `app-${arch}.spdx.json`), 'utf8'),
      );
      expect(artifact.packages).toContainEqual(
        expect.objectContaining({ name: 'busybox-static', versionInfo: version }),
      );
    },
  );

  test("the README's policy admits an image built on the default branch of this project, and no other", async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const policy = /<!-- policy:key -->\n```cue\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(policy, 'the README has the key-mode CUE policy').toBeDefined();
    const file = path.join(dir, 'policy.cue');
    const image = `${fx.spec.repository}@${fx.indexDigest}`;
    const withPolicy = ['verify-attestation', '--type', 'slsaprovenance1', '--policy', file, image];
    const text = policy!.replace(
      'https://gitlab.example.com/group/images',
      'https://gitlab.example.com/platform/images',
    );
    await writeFile(file, text);
    const allowed = await verify(withPolicy);
    expect(allowed.stderr).toContain('will be validating against CUE policies');
    expect(allowed.stderr).not.toMatch(/failed policy/i);
    expect(allowed.ok).toBe(true);
    // The same image, judged by the policy of another project: refused.
    await writeFile(
      file,
      policy!.replace('https://gitlab.example.com/group/images', 'https://gitlab.example.com/other/images'),
    );
    const refused = await verify(withPolicy);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/policy/i);
    // And by a policy that admits another branch only: refused too, the ref is checked.
    await writeFile(file, text.replace('monorepoRef: "main"', 'monorepoRef: "release"'));
    expect((await verify(withPolicy)).ok).toBe(false);
  });

  test('an image pushed around kiln under the same repository does not verify', async () => {
    const digest = await pushPackaged(`${fx.spec.repository}:pushed-by-hand`, 'amd64');
    expect(digest).not.toBe(fx.digests['amd64']);
    const result = await verify(['verify', `${fx.spec.repository}:pushed-by-hand`]);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/no signatures found|no matching signatures/);
  });

  test('a signature from another key does not verify against the team key', async () => {
    const other = await keyPair(path.join(dir, 'other-keys'), 'other');
    const result = await verify(['verify', `${fx.spec.repository}@${fx.indexDigest}`], other.pub);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/no matching signatures|invalid signature/);
  });
});

describe('a tampered attestation', () => {
  test('fails cosign verify-attestation once its payload is changed in the registry', async () => {
    const fx = await signedPipeline('tamper');
    expect(fx.attest.code).toBe(0);
    const image = `${fx.spec.repository}@${fx.digests['amd64']}`;
    expect((await verify(['verify-attestation', '--type', 'slsaprovenance1', image])).ok).toBe(true);

    // Copy the .att image out with skopeo, change the provenance inside each DSSE envelope (the
    // signature stays), and push it back under the same tag: what an attacker with registry write
    // access, but not the key, can do.
    const attTag = `${fx.spec.repository}:${fx.digests['amd64']!.replace(':', '-')}.att`;
    const copy = path.join(dir, 'att-copy');
    await rm(copy, { recursive: true, force: true });
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${attTag}`, `dir:${copy}`]);
    const manifest = JSON.parse(await readFile(path.join(copy, 'manifest.json'), 'utf8'));
    let changed = 0;
    for (const layer of manifest.layers as { digest: string; size: number }[]) {
      const file = path.join(copy, layer.digest.replace('sha256:', ''));
      const envelope = JSON.parse(await readFile(file, 'utf8'));
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
      if (statement.predicateType !== 'https://slsa.dev/provenance/v1') continue;
      statement.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = 'e'.repeat(40);
      envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
      const bytes = Buffer.from(JSON.stringify(envelope));
      const { createHash } = await import('node:crypto');
      const hex = createHash('sha256').update(bytes).digest('hex');
      await writeFile(path.join(copy, hex), bytes);
      layer.digest = `sha256:${hex}`;
      layer.size = bytes.length;
      changed += 1;
    }
    expect(changed).toBe(1);
    await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
    await run('skopeo', ['copy', '--dest-tls-verify=false', `dir:${copy}`, `docker://${attTag}`]);

    const result = await verify(['verify-attestation', '--type', 'slsaprovenance1', image]);
    expect(result.ok).toBe(false);
    expect(result.stdout).not.toContain('e'.repeat(40));
  });
});

describe('a signing failure', () => {
  test('a wrong key password fails clearly, prints no secret, leaves every tag on the complete index; a rerun verifies', async () => {
    const fx = await pipeline('badpass');
    const manifest = await kiln(['manifest', '--project', 'badpass', '--spec', fx.specFile], jobEnv());
    expect(manifest.code).toBe(0);
    const key = await readFile(keyFile, 'utf8');
    const failed = await kiln(
      ['attest', '--project', 'badpass', '--spec', fx.specFile],
      jobEnv({ COSIGN_PASSWORD: 'wrong-password-4411' }),
    );
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/error: cosign attest --type \w+ \S+@sha256:\S+ failed \(exit 1\)/);
    expect(failed.stderr).toContain('decryption failed');
    expect(failed.stderr).toContain('the index and every tag are pushed and complete');
    for (const secret of [
      'wrong-password-4411',
      PASSWORD,
      key.split('\n')[1]!,
      'glpat-secret-value-never-printed',
    ]) {
      expect(failed.stderr + failed.stdout).not.toContain(secret);
    }
    const report = JSON.parse(await readFile(path.join(dir, 'kiln-reports', 'badpass.json'), 'utf8'));
    for (const tag of fx.spec.tags) {
      const index = JSON.parse(await skopeoRaw(`${fx.spec.repository}:${tag}`));
      expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual([
        fx.digests['amd64'],
        fx.digests['arm64'],
      ]);
      const { stdout } = await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${fx.spec.repository}:${tag}`,
      ]);
      expect(stdout.trim()).toBe(report.indexDigest);
    }

    // The rerun of the whole job: kiln manifest leaves the tags, kiln attest signs.
    expect((await kiln(['manifest', '--project', 'badpass', '--spec', fx.specFile], jobEnv())).code).toBe(0);
    const rerun = await kiln(['attest', '--project', 'badpass', '--spec', fx.specFile], jobEnv());
    expect(rerun.code).toBe(0);
    for (const digest of [report.indexDigest, fx.digests['amd64'], fx.digests['arm64']]) {
      expect((await verify(['verify', `${fx.spec.repository}@${digest}`])).ok).toBe(true);
    }
  });

  test('an unset key variable fails kiln manifest before anything is pushed, naming the variable and the fix', async () => {
    const fx = await pipeline('nokey');
    const env = jobEnv({ COSIGN_PRIVATE_KEY: '' });
    const failed = await kiln(['manifest', '--project', 'nokey', '--spec', fx.specFile], env);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('COSIGN_PRIVATE_KEY, which is unset or empty');
    expect(failed.stderr).toContain('file-type CI/CD variable');
    const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${fx.spec.repository}`]);
    expect(JSON.parse(tags.stdout).Tags.sort()).toEqual(fx.spec.children.map((c) => c.tag).sort());
  });
});
