// `npm run demo`: kiln's pipeline on examples/demo, for real and offline. Starts a registry and a
// git daemon on 127.0.0.1, runs the monorepo's .gitlab-ci.yml with gitlab-ci-local (prepare → child
// pipeline → buildah builds for amd64 and arm64 → manifest jobs), prints each image with its
// platforms and digests, and removes everything it started, on failure and Ctrl-C too. With
// `--picture FILE` it also draws the run's pipeline as SVG (scripts/pipeline-picture.ts). With
// `--signing key` the manifest jobs sign every index and child (a fresh cosign key pair), and the
// demo checks each image with stock `cosign verify`, as a consumer would.
// The same harness as test/e2e/pipeline.test.ts; scripts/demo.mjs bundles this file and runs it.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildPlan } from '../src/plan/types.js';
import { cosignVerify } from '../test/harness/cosign.js';
import { type DemoEnvironment, startDemoEnvironment } from '../test/harness/demo-environment.js';
import { runGitlabCiLocal } from '../test/harness/gitlab-ci-local.js';
import { skopeoRaw } from '../test/harness/registry.js';
import { jobsOfRun, pipelineSvg } from './pipeline-picture.js';

interface IndexManifest {
  manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[];
}

/** The digest of a manifest is the sha256 of its exact bytes (OCI image spec, descriptors). */
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const say = (line = '') => process.stdout.write(`${line}\n`);

/** One line per finished job, from gitlab-ci-local's `<job> finished in …` lines. */
function progress(verbose: boolean): (text: string) => void {
  let pending = '';
  return (text) => {
    if (verbose) process.stderr.write(text);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('pipeline finished')) continue;
      const done = /^\s*(?:\[[^\]]*\] -> )*(\S+)\s+finished in (\S+ \S+)(\s+FAIL.*)?/.exec(line);
      if (done && !verbose) say(`  ${done[3] ? 'FAILED' : 'ok    '} ${done[1]} (${done[2]})`);
    }
  };
}

/** Stock cosign verify of `image` with the demo's public key: true when the signature checks. */
async function verified(demo: DemoEnvironment, image: string): Promise<boolean> {
  const signing = demo.signing;
  if (!signing) return false;
  const result = await cosignVerify({
    cosign: signing.cosign,
    args: ['verify', image],
    publicKey: signing.publicKey,
    home: demo.env['HOME'] ?? demo.work,
  });
  return result.ok;
}

async function printImages(demo: DemoEnvironment): Promise<number> {
  let unsigned = 0;
  const mark = async (image: string) => {
    if (!demo.signing) return '';
    if (await verified(demo, image)) return '  signed (cosign verify: ok)';
    unsigned += 1;
    return '  NOT VERIFIED';
  };
  const plan = JSON.parse(await readFile(path.join(demo.monorepo.dir, 'plan.json'), 'utf8')) as BuildPlan;
  say();
  say('Images built (pushed to the local registry):');
  for (const project of plan.projects) {
    const reference = `${project.repository}:${project.tags.default}`;
    const indexText = await skopeoRaw(reference);
    const index = JSON.parse(indexText) as IndexManifest;
    say(`  ${project.name}  (${project.reasons.map((r) => r.kind).join(', ')})`);
    say(
      `    ${reference}  index ${digestOf(indexText)}${await mark(`${project.repository}@${digestOf(indexText)}`)}`,
    );
    for (const tag of project.tags.additional) say(`    ${project.repository}:${tag}`);
    for (const child of index.manifests) {
      const { os, architecture, variant } = child.platform;
      const image = `${project.repository}@${child.digest}`;
      say(
        `      ${[os, architecture, variant].filter(Boolean).join('/').padEnd(14)} ${child.digest}${await mark(image)}`,
      );
    }
  }
  if (demo.signing) {
    say();
    say(
      'Each image was checked as a consumer checks it: cosign verify --key cosign.pub --insecure-ignore-tlog=true IMAGE',
    );
    say("(the manifest jobs' SBOMs were in kiln-sbom/ of the monorepo; both go with the temporary folders)");
  }
  return unsigned;
}

/** The README's pipeline picture, from this run's child pipeline and gitlab-ci-local's output. */
async function writePicture(demo: DemoEnvironment, output: string, file: string): Promise<void> {
  const childPipeline = await readFile(path.join(demo.monorepo.dir, 'kiln-child-pipeline.yml'), 'utf8');
  const jobs = jobsOfRun({ childPipeline, output, parentJobs: ['kiln-prepare', 'kiln-build'] });
  await writeFile(file, pipelineSvg(jobs));
  say(`kiln demo: drew the pipeline (${jobs.length} jobs) to ${file}`);
}

export async function runDemo(options: {
  verbose: boolean;
  picture?: string;
  signing?: 'key';
}): Promise<number> {
  const abort = new AbortController();
  let demo: DemoEnvironment | undefined;
  const interrupted = () => {
    say('\nkiln demo: interrupted, cleaning up…');
    abort.abort();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    say('kiln demo: starting a registry and a git daemon on 127.0.0.1, pushing a busybox base image…');
    demo = await startDemoEnvironment(options.signing ? { signing: options.signing } : {});
    if (options.signing)
      say('  signing   key mode: a fresh cosign key pair, cosign and syft built from the Go module proxy');
    say(`  registry   ${demo.registry.url}`);
    say(`  git daemon ${demo.daemon.url}/upstream.git`);
    say(`  monorepo   ${demo.monorepo.dir} (a copy of examples/demo)`);
    say(
      'kiln demo: running its .gitlab-ci.yml with gitlab-ci-local (prepare → child pipeline → builds → manifests)…',
    );
    const run = await runGitlabCiLocal({
      cwd: demo.monorepo.dir,
      env: demo.env,
      // A first push of main, protected as GitLab protects a default branch (gitlab-ci-local
      // says false): every project is built and the release tags move.
      variables: { CI_COMMIT_BEFORE_SHA: '0'.repeat(40), CI_COMMIT_REF_PROTECTED: 'true' },
      onOutput: progress(options.verbose),
      signal: abort.signal,
    });
    if (abort.signal.aborted) return 130;
    const failed = [...run.jobs].filter(([, passed]) => !passed).map(([name]) => name);
    if (run.exitCode !== 0 || failed.length > 0) {
      if (!options.verbose) process.stderr.write(run.output);
      say(`kiln demo: the pipeline failed (${failed.join(', ') || `exit ${run.exitCode}`}); output above`);
      return 1;
    }
    const unsigned = await printImages(demo);
    if (options.picture) await writePicture(demo, run.output, options.picture);
    if (unsigned > 0) {
      say(`kiln demo: ${unsigned} image(s) did not verify with cosign`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await demo?.stop();
    say('kiln demo: stopped the servers and removed the temporary folders.');
  }
}
