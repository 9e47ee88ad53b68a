// Checks each per-architecture image before it goes into the index: it is an image manifest (not
// an index), and its config says the os/architecture/variant the plan built it for — a build job
// on a wrongly tagged runner pushes the wrong architecture under the right name. Pure.

import { type OciPlatform, parsePlatform } from '../config/oci.js';
import { KilnError, type Problem, throwIfProblems } from '../errors.js';
import { isImageManifestType } from '../registry/media-types.js';
import { formatPlatform, platformMatches } from './platform.js';

export interface FetchedChild {
  platform: string;
  arch: string;
  digest: string;
  mediaType: string;
  size: number;
  /** The image config blob, parsed (`os`, `architecture`, `variant`). */
  config: { os?: unknown; architecture?: unknown; variant?: unknown };
}

/** The platform an image's config declares. */
export function configPlatform(config: FetchedChild['config']): OciPlatform {
  const p: OciPlatform = { os: String(config.os ?? ''), architecture: String(config.architecture ?? '') };
  if (typeof config.variant === 'string' && config.variant) p.variant = config.variant;
  return p;
}

/** Throws one MANIFEST_FAILED error listing every child that does not fit, or returns. */
export function verifyChildren(children: FetchedChild[]): void {
  const problems: Problem[] = [];
  if (children.length === 0) {
    throw new KilnError('MANIFEST_FAILED', 'no architectures to assemble', {
      hint: 'the manifest spec lists no children',
    });
  }
  const seen = new Set<string>();
  for (const child of children) {
    const field = `children[${child.arch}]`;
    if (seen.has(child.platform))
      problems.push({ field, message: `platform ${child.platform} appears twice` });
    seen.add(child.platform);
    if (!isImageManifestType(child.mediaType)) {
      problems.push({
        field,
        message: `${child.digest} is a ${child.mediaType || 'manifest of unknown type'}, not an image manifest`,
        hint: 'the build job must push a single-platform image and write its manifest digest',
      });
      continue;
    }
    const actual = configPlatform(child.config);
    if (!platformMatches(parsePlatform(child.platform), actual)) {
      problems.push({
        field,
        message: `image ${child.digest} is ${formatPlatform(actual) || 'of no declared platform'}, expected ${child.platform}`,
        hint: `check the runner tags of the ${child.arch} build job: it ran on the wrong architecture or the builder was given the wrong --custom-platform`,
      });
    }
  }
  throwIfProblems('MANIFEST_FAILED', 'the per-architecture images do not match the plan', problems);
}
