// One project published for kiln attest, as its manifest job leaves it: both children pushed, the
// spec with signing and provenance, and kiln manifest run, so the index and its tags are in the
// registry. And the check every signing failure test makes: the tags still name that index.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { main } from '../../src/cli.js';
import type { Context } from '../../src/context.js';
import { createMemoryLogger } from '../../src/log.js';
import type { ManifestSpec, SigningSpec } from '../../src/types.js';
import { kanikoProvenance, type ManifestTestbed, preparePipeline } from './manifest-fixture.js';

const run = promisify(execFile);

export interface KilnRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** kiln in-process, in the manifest job's folder, with exactly the job's variables. */
export async function runKiln(dir: string, args: string[], env: Record<string, string>): Promise<KilnRun> {
  const log = createMemoryLogger();
  const ctx: Context = { cwd: dir, env, now: new Date('2026-12-04T10:30:00Z'), log };
  const code = await main(args, ctx);
  return { code, stdout: log.stdout.join(''), stderr: log.stderr.join('') };
}

export interface Published {
  spec: ManifestSpec;
  specFile: string;
  /** arch → child digest */
  digests: Record<string, string>;
  indexDigest: string;
}

export async function publishForSigning(
  testbed: ManifestTestbed,
  options: { project: string; signing: SigningSpec; env: Record<string, string> },
): Promise<Published> {
  const { project } = options;
  const fx = await preparePipeline({
    ...testbed,
    project,
    name: `kiln/${project}`,
    defaultTag: `${project}-20261204-abc1234`,
    extraTags: [`${project}-latest`],
    created: '2026-12-04T10:00:00Z',
  });
  const spec: ManifestSpec = { ...fx.spec, signing: options.signing, provenance: kanikoProvenance(project) };
  await writeFile(fx.specFile, JSON.stringify(spec));
  const manifest = await runKiln(
    testbed.dir,
    ['manifest', '--project', project, '--spec', fx.specFile],
    options.env,
  );
  expect(manifest.stderr).not.toMatch(/error/);
  expect(manifest.code).toBe(0);
  const report = JSON.parse(
    await readFile(path.join(testbed.dir, 'kiln-reports', `${project}.json`), 'utf8'),
  );
  return { spec, specFile: fx.specFile, digests: fx.digests, indexDigest: report.indexDigest as string };
}

/** Every tag of the spec still names the index kiln manifest pushed, and it lists both children. */
export async function expectTagsOnIndex(fx: Published): Promise<void> {
  for (const tag of fx.spec.tags) {
    const reference = `docker://${fx.spec.repository}:${tag}`;
    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', reference]);
    const index = JSON.parse(stdout) as { manifests: { digest: string }[] };
    expect(index.manifests.map((m) => m.digest)).toEqual([fx.digests['amd64'], fx.digests['arm64']]);
    const digest = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      reference,
    ]);
    expect(digest.stdout.trim()).toBe(fx.indexDigest);
  }
}
