// The job image's bundle steps, run here without a container engine (none on these machines):
// the build stage's COPY lines are applied to an empty folder (node_modules linked in place of its
// `npm ci`) and its RUN line builds there; the runtime stage's copy of dist/ and its `kiln` link are
// then reproduced in another folder, and the linked `kiln` must run. This catches a build input the
// Dockerfile forgets to copy and a dist/ that does not work away from the checkout. The static
// contracts (.dockerignore, watch_paths, base images) are in test/unit/kiln-image.test.ts.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

interface Stages {
  /** COPY sources of the build stage (repository paths), in order. */
  buildCopies: string[];
  /** The build stage's RUN lines after its source is copied. */
  buildRuns: string[];
  /** The runtime stage's RUN lines. */
  runtimeRuns: string[];
  /** `COPY --from=build SRC DEST` of the runtime stage. */
  runtimeCopy: { from: string; to: string };
}

function readStages(dockerfile: string): Stages {
  // The stage named build, and the last one (the runtime); the cosign and syft stages only hold binaries.
  const stages = dockerfile.split(/^(?=FROM )/m).slice(1);
  const build = stages.find((stage) => /^FROM \S+ AS build$/m.test(stage)) ?? '';
  const runtime = stages.at(-1) ?? '';
  const instructions = (stage: string, keyword: string) =>
    [...stage.matchAll(new RegExp(`^${keyword} (.*)$`, 'gm'))].map((m) => m[1] ?? '');
  const buildCopies = instructions(build, 'COPY').flatMap((args) => args.split(/\s+/).slice(0, -1));
  const fromBuild = /^COPY --from=build (\S+) (\S+)$/m.exec(runtime);
  if (!fromBuild) throw new Error('the runtime stage has no COPY --from=build');
  return {
    buildCopies,
    buildRuns: instructions(build, 'RUN').filter((r) => !r.startsWith('npm ci')),
    runtimeRuns: instructions(runtime, 'RUN').filter((r) => !r.startsWith('apk ')),
    runtimeCopy: { from: fromBuild[1] ?? '', to: fromBuild[2] ?? '' },
  };
}

let work: string;
let stages: Stages;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'kiln-dockerfile-'));
  stages = readStages(await readFile(path.join(REPO, 'Dockerfile'), 'utf8'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('Dockerfile: the bundle in the job image', () => {
  test('the build stage builds from exactly the files it copies, and the linked kiln runs', async () => {
    const src = path.join(work, 'src');
    await mkdir(src);
    for (const file of stages.buildCopies) {
      await cp(path.join(REPO, file), path.join(src, file), { recursive: true });
    }
    await symlink(path.join(REPO, 'node_modules'), path.join(src, 'node_modules'));
    for (const line of stages.buildRuns) await run('sh', ['-c', line], { cwd: src });

    // The runtime stage, rooted in `image/`: COPY --from=build /src/dist/ /opt/kiln/, then its RUN
    // lines with absolute paths moved under image/.
    const image = path.join(work, 'image');
    const from = path.join(src, path.relative('/src', stages.runtimeCopy.from));
    await cp(from, path.join(image, stages.runtimeCopy.to), { recursive: true });
    await mkdir(path.join(image, 'usr/local/bin'), { recursive: true });
    for (const line of stages.runtimeRuns) {
      await run('sh', ['-c', line.replaceAll(/(^|\s)\//g, `$1${image}/`)]);
    }

    const kiln = path.join(image, 'usr/local/bin/kiln');
    const version = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')).version;
    expect((await run(kiln, ['--version'])).stdout.trim()).toBe(version);
    // A command that loads chunks (config parsing, selection) from the copied dist/.
    const validate = await run(kiln, ['validate', '--root', REPO]);
    expect(validate.stdout).toMatch(/^\d+ projects valid;/);
  });
});
