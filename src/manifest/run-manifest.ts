// The manifest job, step by step: digests → children by digest → verify → assemble → push every
// tag → report. Everything that can fail without touching the registry fails before the first PUT.
import type { Context } from '../context.js';
import { resolveCredentials } from '../registry/auth/resolve-credentials.js';
import { createRegistryClient, type RegistryClient, sha256Digest } from '../registry/client.js';
import { parseRepository } from '../registry/reference.js';
import type { ManifestSpec } from '../types.js';
import { assembleIndex } from './assemble-index.js';
import { fetchChildren } from './fetch-children.js';
import { publishIndex } from './publish.js';
import { readDigests } from './read-digests.js';
import { buildReport, type ManifestReport } from './report.js';
import { verifyChildren } from './verify-children.js';

export interface RunManifestOptions {
  spec: ManifestSpec;
  ctx: Context;
  /** A ready client (tests inject retry policies); otherwise one is built with resolved credentials. */
  client?: RegistryClient;
}

/** A client for `host` with the credentials found for it (resolve-credentials.ts), and where from. */
export async function connectRegistry(
  host: string,
  insecure: boolean,
  ctx: Context,
): Promise<{ client: RegistryClient; source: string }> {
  const auth = await resolveCredentials({ host, env: ctx.env, log: ctx.log });
  const client = createRegistryClient({
    host,
    insecure,
    log: ctx.log,
    ...(auth.credentials ? { credentials: auth.credentials } : {}),
  });
  return { client, source: auth.source };
}

/** connectRegistry, saying in the job log where the credentials came from. */
async function clientFor(host: string, insecure: boolean, ctx: Context): Promise<RegistryClient> {
  const { client, source } = await connectRegistry(host, insecure, ctx);
  ctx.log.info(`registry ${host}: credentials from ${source}`);
  return client;
}

export async function runManifest({ spec, ctx, client: given }: RunManifestOptions): Promise<ManifestReport> {
  const { log } = ctx;
  const repository = parseRepository(spec.repository, 'repository');
  const digests = await readDigests(spec, ctx.cwd);

  const client = given ?? (await clientFor(repository.host, spec.insecureRegistry, ctx));
  const children = await log.section(
    `children: ${spec.children.length} per-architecture image(s) by digest`,
    async (inner) => {
      const found = await fetchChildren({ client, repository: repository.name, spec, digests });
      verifyChildren(found);
      for (const child of found) inner.info(`  ${child.arch}: ${spec.repository}@${child.digest}`);
      return found;
    },
  );
  const { index, bytes, digest } = await log.section('index', async (inner) => {
    const assembled = assembleIndex({
      children,
      created: spec.created,
      ...(spec.upstream ? { upstream: { repo: spec.upstream.repo, sha: spec.upstream.sha } } : {}),
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    });
    const text = Buffer.from(assembled.text);
    const sha = sha256Digest(text);
    inner.info(`${spec.project}: index ${sha} (${children.map((c) => c.arch).join(', ')})`);
    return { index: assembled, bytes: text, digest: sha };
  });

  const tags = await publishIndex({
    client,
    repository: repository.name,
    index: { mediaType: index.mediaType, bytes, digest },
    tags: spec.tags,
    created: spec.created,
    log,
  });
  return buildReport({
    spec,
    indexDigest: digest,
    mediaType: index.mediaType,
    tags,
    childDigests: digests,
    ...(ctx.env['CI_PIPELINE_ID'] ? { pipelineId: ctx.env['CI_PIPELINE_ID'] } : {}),
  });
}
