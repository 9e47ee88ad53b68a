// A BuildJobSpec with every field set, for builder tests; each test overrides what it is about.
import type { BuildJobSpec } from '../../../src/types.js';

export const SPEC_SHA = 'b'.repeat(40);

export function buildJobSpec(overrides: Partial<BuildJobSpec> = {}): BuildJobSpec {
  return {
    project: 'nginx',
    platform: 'linux/arm64',
    arch: 'arm64',
    source: {
      kind: 'git',
      url: 'https://git.example.com/up/nginx.git',
      ref: 'main',
      sha: SPEC_SHA,
      resolvedRef: 'refs/heads/main',
    },
    contextPath: 'docker',
    dockerfile: 'Dockerfile.alpine',
    target: 'runtime',
    buildArgs: [{ name: 'BASE', value: '${ECR_REGISTRY}/base:1' }],
    destination: 'registry.example.com/images:nginx-20260304-01234567-arm64',
    cacheRepository: 'registry.example.com/images/cache/arm64',
    cacheTtl: '168h',
    digestFile: 'kiln/digests/nginx/arm64.digest',
    labels: { 'org.opencontainers.image.revision': SPEC_SHA, 'org.opencontainers.image.title': 'nginx' },
    compression: 'zstd',
    registryMirror: 'mirror.gcr.io',
    insecureRegistry: true,
    ...overrides,
  };
}
