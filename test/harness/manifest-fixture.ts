// One "pipeline" for manifest tests and benches: per-architecture images pushed to a real
// registry with buildah, their digest files written where the build jobs would leave them, and
// the ManifestSpec the plan would render.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuildProvenanceInput, ManifestSpec } from '../../src/types.js';
import { createImageBuilder, type ImageBuilder, startRegistry, type TestRegistry } from './registry.js';

/** What a manifest test file runs against: a real registry, an image builder and the job's folder. */
export interface ManifestTestbed {
  registry: TestRegistry;
  builder: ImageBuilder;
  /** The manifest job's working folder. */
  dir: string;
  stop(): Promise<void>;
}

/** Starts the three side by side; if one fails, the others are stopped before the error is thrown. */
export async function startManifestTestbed(dirPrefix: string): Promise<ManifestTestbed> {
  const [registry, builder, dir] = await Promise.allSettled([
    startRegistry(),
    createImageBuilder(),
    mkdtemp(path.join(tmpdir(), dirPrefix)),
  ]);
  const stop = async () => {
    await Promise.all([
      registry.status === 'fulfilled' && registry.value.stop(),
      builder.status === 'fulfilled' && builder.value.cleanup(),
      dir.status === 'fulfilled' && rm(dir.value, { recursive: true, force: true }),
    ]);
  };
  if (registry.status === 'rejected' || builder.status === 'rejected' || dir.status === 'rejected') {
    await stop();
    throw [registry, builder, dir].find((r) => r.status === 'rejected')?.reason;
  }
  return { registry: registry.value, builder: builder.value, dir: dir.value, stop };
}

export interface PipelineFixture {
  spec: ManifestSpec;
  specFile: string;
  /** arch → pushed digest */
  digests: Record<string, string>;
}

export async function preparePipeline(options: {
  registry: TestRegistry;
  builder: ImageBuilder;
  /** Working folder of the manifest job (digest files and the spec go here). */
  dir: string;
  project: string;
  /** Repository path inside the registry. */
  name: string;
  defaultTag: string;
  extraTags?: string[];
  created: string;
  platforms?: string[];
  format?: 'oci' | 'docker';
  /** Per arch: push this platform instead (a build on the wrong runner). */
  actualPlatform?: Record<string, string>;
  /** Per arch: the format to push instead (mixed children). */
  actualFormat?: Record<string, 'oci' | 'docker'>;
}): Promise<PipelineFixture> {
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
  const repository = `${options.registry.host}/${options.name}`;
  await mkdir(path.join(options.dir, 'digests'), { recursive: true });
  const digests: Record<string, string> = {};
  const children: ManifestSpec['children'] = [];
  for (const platform of platforms) {
    const arch = platform.split('/').slice(1).join('-');
    const tag = `${options.defaultTag}-${arch}`;
    const pushed = await options.builder.push({
      reference: `${repository}:${tag}`,
      platform: options.actualPlatform?.[arch] ?? platform,
      content: `${options.project} ${options.defaultTag} ${options.created}`,
      format: options.actualFormat?.[arch] ?? options.format ?? 'oci',
      ...(options.registry.auth ? { auth: options.registry.auth } : {}),
    });
    const digestFile = path.join('digests', `${options.project}-${arch}.digest`);
    await writeFile(path.join(options.dir, digestFile), `${pushed.digest}\n`);
    digests[arch] = pushed.digest;
    children.push({ platform, arch, tag, digestFile });
  }
  const spec: ManifestSpec = {
    project: options.project,
    repository,
    tags: [options.defaultTag, ...(options.extraTags ?? [])],
    children,
    upstream: { repo: 'https://example.invalid/upstream.git', ref: 'main', sha: 'a'.repeat(40) },
    created: options.created,
    insecureRegistry: true,
  };
  const specFile = path.join(options.dir, `${options.project}-${options.defaultTag}.spec.json`);
  await writeFile(specFile, JSON.stringify(spec));
  return { spec, specFile, digests };
}

/** A Kaniko build of `project` from an upstream, with both build jobs: the provenance a plan would hand to kiln attest. */
export function kanikoProvenance(
  project: string,
  overrides: Partial<BuildProvenanceInput> = {},
): BuildProvenanceInput {
  return {
    source: { uri: 'https://git.example.com/up/app.git', ref: 'main', sha: 'a'.repeat(40) },
    contextPath: '.',
    dockerfile: 'Dockerfile',
    target: '',
    buildArgs: {},
    builder: { name: 'kaniko', image: 'martizih/kaniko:v1.28.3-debug' },
    buildJobs: [
      { platform: 'linux/amd64', job: `build:${project}:amd64` },
      { platform: 'linux/arm64', job: `build:${project}:arm64` },
    ],
    ...overrides,
  };
}
