// The OCI naming rules every part of kiln checks against: tags, repository names, platforms.
// Grammar from the distribution spec and distribution/reference (the registry's own parser):
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
// https://github.com/distribution/reference/blob/main/regexp.go
import type { Platform } from '../types.js';

/** A registry rejects longer tags (distribution-spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export const MAX_TAG_LENGTH = 128;
export const OCI_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidOciTag(tag: string): boolean {
  return OCI_TAG_PATTERN.test(tag);
}

/** One path component of a repository name: lowercase, separators `.`, `_`, `__`, runs of `-`. */
export const REPOSITORY_COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** distribution/reference refuses names (domain included) longer than this. */
export const MAX_REPOSITORY_NAME_LENGTH = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_PATTERN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);

export function isValidRepositoryComponent(component: string): boolean {
  return REPOSITORY_COMPONENT_PATTERN.test(component);
}

/** `team/app` — the path part of a repository name (no registry host). */
export function isValidRepositoryPath(repoPath: string): boolean {
  return (
    repoPath.length > 0 &&
    repoPath.length <= MAX_REPOSITORY_NAME_LENGTH &&
    repoPath.split('/').every(isValidRepositoryComponent)
  );
}

/**
 * `host[:port]/path` or a bare path. As in distribution/reference, the first component is a host
 * only when it contains `.` or `:` or is `localhost`; otherwise it must be a path component.
 */
export function isValidRepositoryName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_REPOSITORY_NAME_LENGTH) return false;
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  const looksLikeHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (looksLikeHost) {
    if (slash < 0 || !DOMAIN_PATTERN.test(first)) return false;
    return isValidRepositoryPath(name.slice(slash + 1));
  }
  return isValidRepositoryPath(name);
}

/**
 * Platforms as registries record them in image indexes (`os/architecture[/variant]`, the
 * GOOS/GOARCH names Docker and containerd use). `linux/arm64/v8` is what some registries report
 * for `linux/arm64`; both are accepted.
 */
export const KNOWN_PLATFORMS: readonly Platform[] = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
  'linux/arm64/v8',
  'linux/arm/v5',
  'linux/arm/v6',
  'linux/arm/v7',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64le',
  'linux/mips64',
  'linux/loong64',
  'windows/amd64',
  'windows/arm64',
];

/** Kaniko and buildah build Linux images only; Windows platforms exist in indexes, not in kiln builds. */
export const BUILDABLE_PLATFORMS: readonly Platform[] = KNOWN_PLATFORMS.filter((p) => p.startsWith('linux/'));

export const DEFAULT_PLATFORMS: readonly Platform[] = ['linux/amd64', 'linux/arm64'];

export function isKnownPlatform(platform: string): boolean {
  return KNOWN_PLATFORMS.includes(platform);
}

/** The `platform` object of an OCI image index entry. */
export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export function parsePlatform(platform: Platform): OciPlatform {
  const [os = '', architecture = '', variant] = platform.split('/');
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/**
 * The per-architecture tag suffix: `linux/amd64` → `amd64`, `linux/arm/v7` → `arm-v7`. Linux is
 * implied; other systems keep their name (`windows/amd64` → `windows-amd64`) so they never collide.
 */
export function archSuffix(platform: Platform): string {
  const parts = platform.split('/');
  const rest = parts[0] === 'linux' ? parts.slice(1) : parts;
  return rest.join('-');
}

/** The longest arch suffix among platforms (for the longest-tag check); '' for none. */
export function longestArchSuffix(platforms: readonly Platform[]): string {
  return platforms.map(archSuffix).reduce((longest, s) => (s.length > longest.length ? s : longest), '');
}
