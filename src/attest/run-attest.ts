// kiln attest, step by step, after kiln manifest pushed the index: read the index back by digest
// and check it is the one the report names, with the same children → an SBOM of each child (syft,
// from the registry by digest) → the attestations (each child's SBOM and SLSA provenance, the
// index's provenance) → one cosign run signing the children and the index. Never a tag: what is signed is named by digest, and no
// tag is moved or rewritten. If a step fails the job fails; the index and its tags stay as they
// are (the image is good), and a rerun signs again.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Context } from '../context.js';
import { KilnError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ManifestReport } from '../manifest/report.js';
import type { Credentials } from '../registry/auth/credentials.js';
import { resolveCredentials } from '../registry/auth/resolve-credentials.js';
import { createRegistryClient } from '../registry/client.js';
import { parseRepository } from '../registry/reference.js';
import type { ManifestSpec, SigningSpec } from '../types.js';
import { VERSION } from '../version.js';
import { attestArgs, PREDICATE_TYPES, signArgs, syftArgs } from './cosign-args.js';
import { ID_TOKEN_VARIABLE, signingPreflight } from './preflight.js';
import { buildProvenance, type ProvenanceSubject } from './provenance.js';

/** Where the SBOMs are kept as job artifacts, one per child. */
export const SBOM_DIR = 'kiln-sbom';

export function sbomFile(project: string, arch: string, format: SigningSpec['sbomFormat']): string {
  return path.join(SBOM_DIR, `${project}-${arch}.${format === 'spdx-json' ? 'spdx' : 'cdx'}.json`);
}

export interface AttestResult {
  /** Every image signed (`repository@digest`), index last. */
  signed: string[];
  sboms: string[];
}

const RETRY_HINT =
  'the index and every tag are pushed and complete; fix the cause and retry the job: kiln manifest leaves the tags as they are and kiln attest signs again';

/** Runs one tool; its output is kept from the log (cosign echoes little, but never a secret of ours). */
function runTool(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
  log: Logger,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new KilnError(
          'ATTEST_FAILED',
          error.code === 'ENOENT'
            ? `${what}: ${bin} is not on PATH`
            : `${what}: cannot run ${bin}: ${error.message}`,
          {
            hint: `kiln's job image carries cosign and syft; with images.kiln set to another image, install them there (${RETRY_HINT})`,
          },
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        log.debug(`${what}: ${log.mask(output.trim())}`);
        return resolve();
      }
      const tail = log
        .mask(output)
        .trim()
        .split('\n')
        .filter((line) => line.trim() && !/^\s*(Usage:|Flags:| {2}-)/.test(line))
        .slice(-6)
        .join('\n');
      reject(
        new KilnError('ATTEST_FAILED', `${what} failed (${signal ?? `exit ${code}`}):\n${tail}`, {
          hint: RETRY_HINT,
        }),
      );
    });
  });
}

/** A docker config for cosign and syft with the credentials kiln found for the registry (mode 0600). */
async function registryConfig(host: string, credentials: Credentials | undefined): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-attest-'));
  const auths = credentials
    ? { [host]: { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') } }
    : {};
  const file = path.join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify({ auths })}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return dir;
}

/** The index as the registry serves it now must be the report's, over the same children. */
async function readBack(
  spec: ManifestSpec,
  report: ManifestReport,
  credentials: Credentials | undefined,
  ctx: Context,
): Promise<void> {
  const repository = parseRepository(spec.repository, 'repository');
  const client = createRegistryClient({
    host: repository.host,
    insecure: spec.insecureRegistry,
    log: ctx.log,
    ...(credentials ? { credentials } : {}),
  });
  const where = `${spec.repository}@${report.indexDigest}`;
  const manifest = await client.getManifest(repository.name, report.indexDigest);
  if (!manifest) {
    throw new KilnError('ATTEST_FAILED', `the index ${where} of the report is not in the registry`, {
      hint: 'run kiln manifest first, in the same job: kiln attest signs what it pushed',
    });
  }
  const listed = new Set(
    (
      (JSON.parse(manifest.bytes.toString('utf8')) as { manifests?: { digest?: string }[] }).manifests ?? []
    ).map((m) => m.digest),
  );
  const missing = report.children.filter((c) => !listed.has(c.digest));
  if (missing.length > 0) {
    throw new KilnError(
      'ATTEST_FAILED',
      `the index ${where} does not list ${missing.map((c) => `${c.arch} ${c.digest}`).join(', ')}`,
      { hint: 'the report and the registry disagree; rerun the manifest job' },
    );
  }
}

export async function runAttest(options: {
  spec: ManifestSpec;
  report: ManifestReport;
  ctx: Context;
  /** The binaries (default: cosign and syft on PATH). */
  tools?: { cosign: string; syft: string };
}): Promise<AttestResult> {
  const { spec, report, ctx } = options;
  const { log, env } = ctx;
  const signing = spec.signing;
  if (!signing || !spec.provenance) {
    throw new KilnError('ATTEST_FAILED', `the manifest spec of ${spec.project} has no signing settings`, {
      hint: 'set signing: key or keyless (kiln.yaml, KILN_SIGNING or the signing input), then rerun prepare',
    });
  }
  const tools = options.tools ?? { cosign: 'cosign', syft: 'syft' };

  const key = signingPreflight(signing, env, existsSync);
  log.info(
    key
      ? `signing with a key: ${key.source}`
      : `signing keyless: Fulcio ${signing.fulcioUrl}, Rekor ${signing.rekorUrl}`,
  );
  const password = signing.passwordVariable ? env[signing.passwordVariable] : undefined;
  log.addSecret(password);
  log.addSecret(env[ID_TOKEN_VARIABLE]);

  // Credentials once (for ECR, one token call): the read-back and the tools use the same.
  const host = parseRepository(spec.repository, 'repository').host;
  const { credentials, source } = await resolveCredentials({ host, env, log });
  log.info(`registry ${host}: credentials from ${source}`);
  await readBack(spec, report, credentials, ctx);
  const finishedOn = new Date().toISOString();
  const configDir = await registryConfig(host, credentials);
  const work = await mkdtemp(path.join(tmpdir(), 'kiln-predicates-'));
  const toolEnv: NodeJS.ProcessEnv = {
    ...env,
    DOCKER_CONFIG: configDir,
    COSIGN_PASSWORD: password ?? '',
    // cosign asks nothing; syft never phones home for a newer version.
    COSIGN_YES: 'true',
    SYFT_CHECK_FOR_APP_UPDATE: 'false',
    ...(spec.insecureRegistry ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true' } : {}),
  };
  const cosign = (args: string[], what: string) => runTool(tools.cosign, args, toolEnv, what, log);
  const insecure = spec.insecureRegistry;
  const provenanceFile = async (name: string, subject: ProvenanceSubject) => {
    const file = path.join(work, `${name}.provenance.json`);
    const predicate = buildProvenance({ spec, subject, env, finishedOn, kilnVersion: VERSION });
    await writeFile(file, `${JSON.stringify(predicate, null, 2)}\n`);
    return file;
  };
  const attest = (
    image: string,
    predicateFile: string,
    type: (typeof PREDICATE_TYPES)[keyof typeof PREDICATE_TYPES],
  ) =>
    cosign(
      attestArgs({ image, predicateFile, type, spec: signing, key, insecure }),
      `cosign attest --type ${type} ${image}`,
    );

  const index = `${spec.repository}@${report.indexDigest}`;
  const children = report.children.map((child) => ({
    child,
    image: `${spec.repository}@${child.digest}`,
    sbom: path.resolve(ctx.cwd, sbomFile(spec.project, child.arch, signing.sbomFormat)),
  }));
  // Two at a time: syft's scan and the scrypt that decrypts the key in every cosign run are
  // CPU-bound, and a runner has few cores (docs/benchmarks.md, "Signing").
  const limit = pLimit(2);
  try {
    await mkdir(path.resolve(ctx.cwd, SBOM_DIR), { recursive: true });
    await log.section('signing: SBOMs (syft, from the registry by digest)', async (inner) => {
      await settleAll(
        children.map(({ image, sbom }) =>
          limit(() =>
            runTool(
              tools.syft,
              syftArgs(image, signing.sbomFormat, sbom),
              toolEnv,
              `syft scan ${image}`,
              log,
            ),
          ),
        ),
      );
      for (const { child, sbom } of children)
        inner.info(`  ${child.arch}: ${path.relative(ctx.cwd, sbom)} (${signing.sbomFormat})`);
    });
    await log.section('signing: attestations (cosign attest)', async (inner) => {
      const attestations: [string, string, (typeof PREDICATE_TYPES)[keyof typeof PREDICATE_TYPES]][] = [];
      for (const { child, image, sbom } of children) {
        attestations.push([image, sbom, PREDICATE_TYPES[signing.sbomFormat]]);
        const provenance = await provenanceFile(child.arch, { platform: child.platform });
        attestations.push([image, provenance, PREDICATE_TYPES.provenance]);
      }
      const indexChildren = report.children.map((c) => ({ platform: c.platform, digest: c.digest }));
      attestations.push([
        index,
        await provenanceFile('index', { children: indexChildren }),
        PREDICATE_TYPES.provenance,
      ]);
      // Images in parallel, but one image's attestations one after another: cosign adds each to
      // the image's `.att` tag by read-modify-write, and two at once on one image lose one.
      const byImage = new Map<string, typeof attestations>();
      for (const entry of attestations) byImage.set(entry[0], [...(byImage.get(entry[0]) ?? []), entry]);
      await settleAll(
        [...byImage.values()].map((chain) =>
          limit(async () => {
            for (const [image, file, type] of chain) await attest(image, file, type);
          }),
        ),
      );
      for (const { child } of children) inner.info(`  ${child.arch}: SBOM and SLSA provenance attested`);
      inner.info('  index: SLSA provenance attested');
    });
    // One cosign run signs them all (the key is decrypted once), the index last.
    const images = [...children.map((c) => c.image), index];
    await log.section('signing: signatures (cosign sign)', async (inner) => {
      await cosign(signArgs(images, signing, key, insecure), `cosign sign ${images.join(' ')}`);
      inner.info(`  signed ${report.children.map((c) => c.arch).join(', ')} and the index, by digest`);
    });
    return { signed: images, sboms: children.map((c) => path.relative(ctx.cwd, c.sbom)) };
  } finally {
    await rm(configDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}

/** Waits for every promise, then fails with the first failure: no tool is still running afterwards. */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
