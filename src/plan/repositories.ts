// Where images go. One repository for all projects by default (kaniko-builder's `$ECR_REGISTRY`),
// or `<registry>/<project>` per project; and ONE layer-cache repository per architecture.
import type { Settings } from '../config/settings.js';
import { parseEcrHost } from '../registry/ecr/ecr-host.js';

/** The image repository (`host/path`) of a project. */
export function imageRepository(
  settings: Pick<Settings, 'registry' | 'repositoryMode'>,
  project: string,
): string {
  return settings.repositoryMode === 'per-project' ? `${settings.registry}/${project}` : settings.registry;
}

/**
 * The layer-cache repository of one architecture, shared by every project: `<registry>/cache/<arch>`.
 * Per architecture because a repository shared by architectures can serve one architecture's
 * layers to the other (ARCHITECTURE.md, decision 8); shared across projects so common layers
 * (the same base image and `apt-get update`) are built once per architecture.
 */
export function cacheRepository(settings: Pick<Settings, 'registry'>, arch: string): string {
  return `${settings.registry}/cache/${arch}`;
}

/** Every repository a plan pushes to (images and caches), for registries that need them created (ECR). */
export function repositoriesToCreate(plan: {
  projects: { repository: string }[];
  cacheRepositories: string[];
}): string[] {
  return [...new Set([...plan.projects.map((p) => p.repository), ...plan.cacheRepositories])].sort();
}

/** `123456789012.dkr.ecr.eu-west-1.amazonaws.com/images` → true: repositories must be created first. */
export function isEcrRegistry(registry: string): boolean {
  return parseEcrHost(registryHost(registry)) !== undefined;
}

/** The host part of a repository name (`localhost:5000/x` → `localhost:5000`). */
export function registryHost(repository: string): string {
  return repository.split('/')[0] ?? repository;
}
