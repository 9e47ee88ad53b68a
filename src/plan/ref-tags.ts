// Extra tags that follow the upstream (pure): `{ref}` and, for a semver ref, `{version}`,
// `{major}` and `{minor}` in additional_tags, filled as docker/metadata-action's semver type fills them.
// `additional_tags: ['{ref}', '{major}.{minor}', latest]` is written once and follows upstream_ref.
import { placeholdersOf } from '../config/build-config-schema.js';
import type { Problem } from '../errors.js';

/** `v1.2.3`, `1.2.3-rc.1+build.5`: semver 2.0 with an optional leading `v`. */
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

export interface RefValues {
  ref: string;
  version?: string;
  major?: string;
  minor?: string;
  /** A pre-release (`-rc.1`): like metadata-action, no `{major}` or `{major}.{minor}` tag. */
  prerelease: boolean;
}

/** The upstream_ref as tag text: `refs/tags/` and `refs/heads/` dropped, other characters as `-`. */
export function refValues(upstreamRef: string): RefValues {
  const name = upstreamRef.replace(/^refs\/(tags|heads)\//, '');
  const ref = name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[.-]+/, '');
  const semver = SEMVER.exec(name);
  if (!semver) return { ref, prerelease: false };
  const [, major, minor, patch, pre, build] = semver;
  return {
    ref,
    // `+` is not allowed in a tag; metadata-action writes it as `-` too.
    version: `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${build ? `-${build}` : ''}`,
    major,
    minor,
    prerelease: Boolean(pre),
  };
}

/**
 * One additional tag with its placeholders filled: the tag, `skip` for a `{major}`/`{minor}` tag
 * of a pre-release, or a problem (no upstream, a ref that is not semver).
 */
export function fillRefTag(
  tag: string,
  upstreamRef: string | undefined,
  where: Pick<Problem, 'file' | 'field'>,
): { tag: string } | { skip: true } | { problem: Problem } {
  const used = placeholdersOf(tag);
  if (used.length === 0) return { tag };
  if (upstreamRef === undefined || upstreamRef === '') {
    return {
      problem: {
        ...where,
        message: `"${tag}" uses {${used[0]}}, which comes from upstream_ref, and this project builds this repository's files`,
        hint: 'write the tag without placeholders',
      },
    };
  }
  const values = refValues(upstreamRef);
  const semverOnly = used.filter((name) => name !== 'ref');
  if (semverOnly.length > 0 && values.version === undefined) {
    return {
      problem: {
        ...where,
        message: `"${tag}" uses {${semverOnly[0]}}, and upstream_ref "${upstreamRef}" is not a semver version`,
        hint: 'use {ref}, or pin upstream_ref to a version such as v1.2.3',
      },
    };
  }
  if (values.prerelease && used.some((name) => name === 'major' || name === 'minor')) return { skip: true };
  const filled = tag.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    const value = values[name as keyof Omit<RefValues, 'prerelease'>];
    return typeof value === 'string' ? value : whole;
  });
  return { tag: filled };
}
