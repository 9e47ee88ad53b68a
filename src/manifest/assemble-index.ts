// Children → the multi-arch index, as bytes ready to PUT. Pure. The index type follows the
// children: OCI image index for OCI manifests, Docker manifest list for Docker schema 2; a mix is
// refused (clients differ in how they treat it, and a registry may reject it).
// https://github.com/opencontainers/image-spec/blob/main/image-index.md
import { KilnError } from '../errors.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../registry/media-types.js';
import { configPlatform, type FetchedChild } from './verify-children.js';

/** The annotation holding the pipeline creation time; floating tags compare it before moving. */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
export const REVISION_ANNOTATION = 'org.opencontainers.image.revision';
export const SOURCE_ANNOTATION = 'org.opencontainers.image.source';

export interface AssembleInput {
  children: FetchedChild[];
  /** ISO 8601 pipeline creation time. */
  created: string;
  upstream?: { repo: string; sha: string };
  /** The team's labels and OCI annotations; kiln's own (created, revision, source) come after. */
  annotations?: Record<string, string>;
}

export interface AssembledIndex {
  mediaType: string;
  /** The exact bytes to PUT; the index digest is the sha256 of these bytes. */
  text: string;
}

export function assembleIndex(input: AssembleInput): AssembledIndex {
  const types = [...new Set(input.children.map((c) => c.mediaType))];
  if (types.length !== 1 || (types[0] !== OCI_MANIFEST && types[0] !== DOCKER_MANIFEST)) {
    const list = input.children.map((c) => `${c.arch}: ${c.mediaType}`).join(', ');
    throw new KilnError('MANIFEST_FAILED', `the per-architecture images mix manifest formats (${list})`, {
      hint: 'build every architecture with the same builder and format (OCI, or Docker with --format v2s2)',
    });
  }
  const mediaType = types[0] === OCI_MANIFEST ? OCI_INDEX : DOCKER_MANIFEST_LIST;
  const annotations: Record<string, string> = { ...input.annotations, [CREATED_ANNOTATION]: input.created };
  if (input.upstream) {
    annotations[REVISION_ANNOTATION] = input.upstream.sha;
    annotations[SOURCE_ANNOTATION] = input.upstream.repo;
  }
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: input.children.map((child) => ({
      mediaType: child.mediaType,
      digest: child.digest,
      size: child.size,
      // The platform the image itself declares (verified against the plan before this runs).
      platform: configPlatform(child.config),
    })),
    // Not in the Docker manifest list schema, but registries keep the bytes verbatim and Docker
    // clients ignore unknown fields; kiln needs the creation time on both kinds.
    annotations,
  };
  return { mediaType, text: JSON.stringify(index, null, 2) };
}

/** The creation time kiln recorded on an index, or undefined (not kiln's, or not an index). */
export function recordedCreation(manifestText: string): string | undefined {
  try {
    const parsed = JSON.parse(manifestText) as { annotations?: Record<string, unknown> };
    const created = parsed.annotations?.[CREATED_ANNOTATION];
    return typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? created : undefined;
  } catch {
    return undefined;
  }
}
