// kiln end to end, nothing mocked: gitlab-ci-local 4.73.0 (shell executor) runs the demo
// monorepo's .gitlab-ci.yml, which includes kiln's component from this checkout. The prepare job
// runs `kiln prepare` (this checkout's bundle, on PATH through a shim); gitlab-ci-local runs the
// generated child pipeline it triggers; buildah (chroot, vfs) builds linux/amd64 and linux/arm64
// (arm64 RUN steps through qemu-user-static), the manifest jobs join the per-arch images by digest.
// Upstreams come from a git daemon and images go to a distribution registry, both on 127.0.0.1;
// skopeo checks what landed. gitlab-ci-local ignores `strategy: depend`, so every child job's
// result is read from its output (harness/gitlab-ci-local.ts), never from the exit code alone.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attestedStatements, cosignVerify } from '../harness/cosign.js';
import { type DemoEnvironment, enableSigning, startDemoEnvironment } from '../harness/demo-environment.js';
import { type PipelineRun, runGitlabCiLocal } from '../harness/gitlab-ci-local.js';
import { readImageFile } from '../harness/image-files.js';
import { readGitlabCiLocalSections } from '../harness/log-sections.js';
import { skopeoInspect, skopeoRaw } from '../harness/registry.js';

const ZERO_SHA = '0'.repeat(40);
const UNAME: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };
/** The demo's projects and the platforms their build-config.yaml asks for. */
const PLATFORMS: Record<string, string[]> = {
  'hello-upstream': ['linux/amd64', 'linux/arm64'],
  'hello-local': ['linux/amd64'],
  'hello-derived': ['linux/amd64', 'linux/arm64'],
};

let demo: DemoEnvironment;
let repository: string;

/**
 * Secrets every job's environment holds, as a real pipeline's would. None may reach a log, a
 * report or an artifact. The registry takes no credentials, so kiln reads them and they go nowhere.
 */
const SECRETS = {
  KILN_REGISTRY_USER: 'e2e-registry-user',
  KILN_REGISTRY_PASSWORD: 'e2e-registry-password-5b1c9d',
  KILN_GITLAB_TOKEN: 'glpat-e2e-gitlab-token-77f3a1',
  AWS_SECRET_ACCESS_KEY: 'e2e-aws-secret-key-0c4f9e2a',
};

beforeAll(async () => {
  // Signing prepared (cosign, syft, a key pair in the jobs' environment); a late test turns it on.
  demo = await startDemoEnvironment({ signing: 'prepared' });
  Object.assign(demo.env, SECRETS);
  repository = demo.repository;
}, 300_000);

/** Every file under `dir`, recursively (the job logs and artifacts gitlab-ci-local keeps). */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/** The job logs gitlab-ci-local wrote for this run, by file name. */
async function jobLogs(): Promise<Map<string, string>> {
  const dir = path.join(demo.monorepo.dir, '.gitlab-ci-local', 'output');
  const logs = new Map<string, string>();
  for (const file of await readdir(dir)) logs.set(file, await readFile(path.join(dir, file), 'utf8'));
  return logs;
}

afterAll(async () => {
  await demo?.stop();
});

/**
 * Runs the monorepo's pipeline as a push of HEAD (or another pipeline source) on the checked-out
 * branch, protected as GitLab protects a default branch unless `variables` say otherwise
 * (gitlab-ci-local itself says CI_COMMIT_REF_PROTECTED=false).
 */
async function pipeline(variables: Record<string, string>): Promise<PipelineRun> {
  const run = await runGitlabCiLocal({
    cwd: demo.monorepo.dir,
    env: demo.env,
    variables: { CI_COMMIT_REF_PROTECTED: 'true', ...variables },
    timeoutMs: 480_000,
  });
  const failed = [...run.jobs].filter(([, passed]) => !passed).map(([name]) => name);
  if (failed.length > 0 || run.exitCode !== 0) {
    throw new Error(
      `pipeline failed (exit ${run.exitCode}, failed jobs: ${failed.join(', ')}):\n${run.output}`,
    );
  }
  return run;
}

/** The child pipeline's build and manifest jobs that ran, sorted. */
function kilnJobs(run: PipelineRun): string[] {
  return [...run.jobs.keys()].filter((name) => /^(build|manifest):/.test(name)).sort();
}

function jobsFor(projects: string[]): string[] {
  return projects
    .flatMap((p) => [`manifest:${p}`, ...PLATFORMS[p]!.map((pl) => `build:${p}:${pl.split('/')[1]}`)])
    .sort();
}

interface IndexManifest {
  manifests: { digest: string; platform: { os: string; architecture: string } }[];
}

/** The default tag of `project` built from monorepo commit `sha`: `{project}-{YYYYMMDD}-{shortsha}`. */
function defaultTag(project: string, sha: string): string {
  const tags = JSON.parse(
    execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${repository}`], {
      encoding: 'utf8',
    }),
  ) as { Tags: string[] };
  // shortsha: git's abbreviation of the monorepo commit (7+ hex digits).
  const pattern = new RegExp(`^${project}-\\d{8}-([0-9a-f]{7,40})$`);
  const found = tags.Tags.filter((t) => sha.startsWith(pattern.exec(t)?.[1] ?? '-'));
  expect(found, `default tag of ${project} at ${sha}`).toHaveLength(1);
  return found[0]!;
}

async function expectMultiArchImage(project: string, tag: string, revision: string): Promise<void> {
  const index = JSON.parse(await skopeoRaw(`${repository}:${tag}`)) as IndexManifest;
  const platforms = index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort();
  expect(platforms).toEqual([...PLATFORMS[project]!].sort());
  for (const child of index.manifests) {
    const arch = child.platform.architecture;
    const platform = `linux/${arch}`;
    const byDigest = await skopeoInspect(`${repository}@${child.digest}`);
    expect(byDigest['Architecture']).toBe(arch);
    expect((byDigest['Labels'] as Record<string, string>)['org.opencontainers.image.revision']).toBe(
      revision,
    );
    // The per-arch tag points at the very image the index names.
    expect((await skopeoInspect(`${repository}:${tag}-${arch}`))['Digest']).toBe(child.digest);
    // Code ran for the right architecture (qemu for arm64), not just a label saying so.
    expect(await readImageFile(`${repository}:${tag}`, platform, 'arch.txt')).toBe(
      `${arch} ${UNAME[arch]}\n`,
    );
  }
}

describe('kiln under gitlab-ci-local, end to end', () => {
  let firstHead: string;

  test('the first push builds every project for its platforms and publishes indexes and tags', async () => {
    firstHead = await demo.monorepo.git(['rev-parse', 'HEAD']);
    const run = await pipeline({ CI_COMMIT_BEFORE_SHA: ZERO_SHA });
    expect(run.jobs.get('kiln-prepare')).toBe(true);
    expect(kilnJobs(run)).toEqual(jobsFor(Object.keys(PLATFORMS)));

    const upstreamSha = await demo.upstream.git(['rev-parse', 'HEAD']);
    const upstreamTag = defaultTag('hello-upstream', firstHead);
    await expectMultiArchImage('hello-upstream', upstreamTag, upstreamSha);
    // The project's labels and annotations: on each image as labels, on the index as annotations.
    const index = JSON.parse(await skopeoRaw(`${repository}:${upstreamTag}`)) as {
      manifests: { digest: string }[];
      annotations: Record<string, string>;
    };
    expect(index.annotations).toMatchObject({
      'com.example.team': 'platform',
      'org.opencontainers.image.description': 'The upstream demo image',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.revision': upstreamSha,
    });
    for (const child of index.manifests) {
      expect((await skopeoInspect(`${repository}@${child.digest}`))['Labels']).toMatchObject({
        'com.example.team': 'platform',
        'org.opencontainers.image.description': 'The upstream demo image',
      });
    }
    // The additional tag names the same index as the default tag.
    const stable = await skopeoInspect(`${repository}:hello-upstream-stable`);
    expect(stable['Digest']).toBe((await skopeoInspect(`${repository}:${upstreamTag}`))['Digest']);

    await expectMultiArchImage('hello-local', defaultTag('hello-local', firstHead), firstHead);
    expect(run.jobs.get('kiln:summary')).toBe(true);
    const derivedTag = defaultTag('hello-derived', firstHead);
    await expectMultiArchImage('hello-derived', derivedTag, firstHead);
    // {{image:hello-upstream}} was the image this pipeline built: its greeting is in the base layer.
    expect(await readImageFile(`${repository}:${derivedTag}`, 'linux/arm64', 'base-greeting.txt')).toBe(
      'hello from the upstream project\n',
    );
  }, 600_000);

  test('every job log has well-formed, balanced sections: prepare and manifest steps each in their own', async () => {
    // gitlab-ci-local reads the markers as GitLab does and logs them as `<name>_started` …
    // `<name> took <n>ms`; a marker it cannot read stays as text. kiln's names are `kiln_<n>_<title>`.
    const logs = await jobLogs();
    expect(logs.size).toBeGreaterThanOrEqual(Object.keys(PLATFORMS).length * 2);
    const names = new Map<string, string[]>();
    for (const [file, log] of logs) {
      const { names: found, problems } = readGitlabCiLocalSections(log);
      expect(problems, file).toEqual([]);
      names.set(
        file,
        found.map((name) => name.replace(/^kiln_\d+_/, '')),
      );
    }
    const [prepare] = [...logs].find(([, log]) => /kiln \S+ prepare; /.test(log)) ?? [];
    expect(logs.get(prepare ?? '')).toMatch(/kiln \S+ prepare; settings: defaults < KILN_\w+/);
    expect(names.get(prepare ?? '')).toEqual([
      'selection_which_projects_to_build',
      'pinning_1_upstream_ref_s_to_commits',
      'child_pipeline_jobs_gitlab_limits_yaml',
      'plan',
    ]);
    const manifests = [...logs].filter(([, log]) => /kiln \S+ manifest; project /.test(log));
    expect(manifests).toHaveLength(Object.keys(PLATFORMS).length);
    for (const [file, log] of manifests) {
      const project = /manifest; project (\S+);/.exec(log)?.[1] ?? '';
      const steps = names.get(file) ?? [];
      expect(steps.slice(0, 2)).toEqual([
        `children_${PLATFORMS[project]?.length}_per-architecture_image_s_by_digest`,
        'index',
      ]);
      expect(steps.filter((s) => s.startsWith('tag_')).length).toBeGreaterThanOrEqual(1);
    }
  });

  test('the summary job joins every published image into kiln-images.json, as the registry holds it', async () => {
    const document = JSON.parse(await readFile(path.join(demo.monorepo.dir, 'kiln-images.json'), 'utf8')) as {
      images: { project: string; reference: string; indexDigest: string; tags: string[] }[];
    };
    expect(document.images.map((i) => i.project)).toEqual(Object.keys(PLATFORMS).sort());
    for (const image of document.images) {
      expect(image.reference).toBe(`${repository}@${image.indexDigest}`);
      for (const tag of image.tags) {
        expect((await skopeoInspect(`${repository}:${tag}`))['Digest'], tag).toBe(image.indexDigest);
      }
    }
    // It read the manifest jobs' dotenv reports, as GitLab hands them to a later job, and every one
    // names the digest of its report (the job fails otherwise). Not always all three: gitlab-ci-local's
    // shell executor runs every job in one checkout, where a sibling manifest job can overwrite
    // kiln-image.env before it is collected; on GitLab each job has its own folder.
    const summaryLog = [...(await jobLogs()).values()].find((log) => / summary; /.test(log));
    expect(summaryLog).toMatch(
      /dotenv: KILN_IMAGE_HELLO_\w+(, KILN_IMAGE_HELLO_\w+)* name the digests of their reports/,
    );
  });

  test('no secret of the environment reaches a log, a report, an artifact or a generated file', async () => {
    const files = [
      ...(await filesUnder(path.join(demo.monorepo.dir, '.gitlab-ci-local'))),
      // What kiln's jobs wrote into the checkout: the child pipeline, plan, reports and documents.
      ...(await filesUnder(demo.monorepo.dir)).filter((f) =>
        /^(kiln|plan|manifest)/.test(path.relative(demo.monorepo.dir, f)),
      ),
    ];
    expect(files.length).toBeGreaterThan(10);
    // The secrets were in play: the manifest jobs took the registry credentials from them.
    const logs = [...(await jobLogs()).values()];
    expect(
      logs.filter((log) => log.includes('credentials from KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD')),
    ).toHaveLength(Object.keys(PLATFORMS).length);
    for (const file of files) {
      const text = await readFile(file, 'latin1');
      for (const [name, secret] of Object.entries(SECRETS))
        expect(text.includes(secret), `${name} in ${file}`).toBe(false);
    }
  });

  test('a second commit touching one project rebuilds only that project', async () => {
    const head = await demo.monorepo.commit(
      { 'projects/hello-local/message.txt': 'changed\n' },
      'hello-local: new message',
    );
    const run = await pipeline({ CI_COMMIT_BEFORE_SHA: firstHead });
    expect(kilnJobs(run)).toEqual(jobsFor(['hello-local']));
    const tag = defaultTag('hello-local', head);
    expect(await readImageFile(`${repository}:${tag}`, 'linux/amd64', 'message.txt')).toBe('changed\n');
  }, 300_000);

  test('a manual pipeline on another branch pushes tags naming the branch and leaves the release tag alone', async () => {
    const stableBefore = (await skopeoInspect(`${repository}:hello-upstream-stable`))['Digest'];
    await demo.monorepo.git(['checkout', '-q', '-b', 'feature/x']);
    try {
      const head = await demo.monorepo.commit(
        { 'projects/hello-upstream/NOTES.txt': 'branch work\n' },
        'hello-upstream: on a branch',
      );
      const run = await pipeline({
        CI_PIPELINE_SOURCE: 'web',
        KILN_PROJECTS: 'hello-upstream',
        CI_COMMIT_REF_PROTECTED: 'false',
      });
      // Its dependent is rebuilt with it, on the branch's image.
      expect(kilnJobs(run)).toEqual(jobsFor(['hello-derived', 'hello-upstream']));
      expect(run.output).toContain(
        'release tags: skipped, feature/x is not a release ref (the default branch)',
      );
      const tags = JSON.parse(
        execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${repository}`], {
          encoding: 'utf8',
        }),
      ) as { Tags: string[] };
      const branchTag = tags.Tags.find((t) => /^hello-upstream-\d{8}-[0-9a-f]{7,40}-ref-feature-x$/.test(t));
      expect(branchTag && head.startsWith(branchTag.split('-')[3] ?? '-')).toBe(true);
      await expectMultiArchImage(
        'hello-upstream',
        branchTag ?? '',
        await demo.upstream.git(['rev-parse', 'HEAD']),
      );
      // The release tag still names the index the default branch built.
      expect((await skopeoInspect(`${repository}:hello-upstream-stable`))['Digest']).toBe(stableBefore);
    } finally {
      // -f: the manifest jobs' reports are written into the checkout.
      await demo.monorepo.git(['checkout', '-q', '-f', 'main']);
    }
  }, 300_000);

  test('a scheduled pipeline rebuilds exactly the projects in rebuild-weekly.txt', async () => {
    // The schedule kiln schedule ensure creates carries KILN_SCHEDULE=rebuild.
    const run = await pipeline({ CI_PIPELINE_SOURCE: 'schedule', KILN_SCHEDULE: 'rebuild' });
    expect(kilnJobs(run)).toEqual(jobsFor(['hello-local']));
  }, 300_000);

  test('a change to a dependency rebuilds its dependent after it, on the fresh image', async () => {
    const before = await demo.monorepo.git(['rev-parse', 'HEAD']);
    const config = path.join('projects', 'hello-upstream', 'build-config.yaml');
    const text = await readFile(path.join(demo.monorepo.dir, config), 'utf8');
    const head = await demo.monorepo.commit(
      { [config]: text.replace('hello from the upstream project', 'hello again') },
      'hello-upstream: new greeting',
    );
    const run = await pipeline({ CI_COMMIT_BEFORE_SHA: before });
    expect(kilnJobs(run)).toEqual(jobsFor(['hello-derived', 'hello-upstream']));
    // DAG order: the dependent's builds start only after the dependency's manifest job finished.
    const upstreamDone = run.output.search(/manifest:hello-upstream\s+finished in/);
    const derivedStart = run.output.search(/build:hello-derived:\w+\s+starting/);
    expect(upstreamDone).toBeGreaterThan(0);
    expect(derivedStart).toBeGreaterThan(upstreamDone);
    const derivedTag = defaultTag('hello-derived', head);
    expect(await readImageFile(`${repository}:${derivedTag}`, 'linux/amd64', 'base-greeting.txt')).toBe(
      'hello again\n',
    );
  }, 300_000);

  test('signing: key in kiln.yaml: the manifest jobs sign every index and child; stock cosign verifies them', async () => {
    const signing = demo.signing!;
    const before = await demo.monorepo.git(['rev-parse', 'HEAD']);
    await enableSigning(demo.monorepo);
    const config = path.join('projects', 'hello-upstream', 'build-config.yaml');
    const text = await readFile(path.join(demo.monorepo.dir, config), 'utf8');
    const head = await demo.monorepo.commit(
      { [config]: text.replace(/hello again|hello from the upstream project/, 'hello, signed') },
      'hello-upstream: a signed greeting',
    );
    const run = await pipeline({ CI_COMMIT_BEFORE_SHA: before });
    expect(kilnJobs(run)).toEqual(jobsFor(['hello-derived', 'hello-upstream']));
    const verify = (args: string[]) =>
      cosignVerify({ cosign: signing.cosign, args, publicKey: signing.publicKey, home: demo.env['HOME']! });

    for (const project of ['hello-upstream', 'hello-derived']) {
      const tag = defaultTag(project, head);
      const index = JSON.parse(await skopeoRaw(`${repository}:${tag}`)) as IndexManifest;
      const indexDigest = (await skopeoInspect(`${repository}:${tag}`))['Digest'] as string;
      const signed = await verify(['verify', `${repository}:${tag}`]);
      expect(signed.stderr, project).toContain('verified against the specified public key');
      expect(JSON.parse(signed.stdout)[0].critical.image['docker-manifest-digest']).toBe(indexDigest);
      const provenance = await verify([
        'verify-attestation',
        '--type',
        'slsaprovenance1',
        `${repository}@${indexDigest}`,
      ]);
      expect(provenance.ok, provenance.stderr).toBe(true);
      const [statement] = attestedStatements(provenance.stdout);
      expect(statement?.predicate.buildDefinition.externalParameters.project).toBe(project);
      expect(statement?.predicate.buildDefinition.internalParameters.buildJobs).toEqual(
        PLATFORMS[project]!.map((p) => `build:${project}:${p.split('/')[1]}`),
      );
      for (const child of index.manifests) {
        const image = `${repository}@${child.digest}`;
        expect((await verify(['verify', image])).ok, image).toBe(true);
        const sbom = await verify(['verify-attestation', '--type', 'spdxjson', image]);
        expect(sbom.ok, sbom.stderr).toBe(true);
        expect(attestedStatements(sbom.stdout)[0]?.predicateType).toBe('https://spdx.dev/Document');
        // The SBOM is also the manifest job's artifact.
        const file = path.join(
          demo.monorepo.dir,
          'kiln-sbom',
          `${project}-${child.platform.architecture}.spdx.json`,
        );
        expect(JSON.parse(await readFile(file, 'utf8')).spdxVersion).toMatch(/^SPDX-2\./);
      }
    }
    // Neither the key password nor the key reaches a job log.
    const key = await readFile(demo.env['COSIGN_PRIVATE_KEY']!, 'utf8');
    for (const [file, log] of await jobLogs()) {
      expect(log, file).not.toContain(signing.password);
      expect(log, file).not.toContain(key.split('\n')[1]!);
    }
  }, 600_000);
});
