// Image references: `host[:port]/path[:tag][@digest]`. Pure. kiln always names the registry host
// explicitly (no Docker Hub defaulting): the repository setting is `host/path`.
import { isValidOciTag } from '../config/oci.js';
import { KilnError } from '../errors.js';

export interface ImageRepository {
  /** `host[:port]` */
  host: string;
  /** Repository path inside the registry, e.g. `team/app`. */
  name: string;
}

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
const NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** `127.0.0.1:5000/team/app` → { host, name }. Throws a KilnError naming `field` when malformed. */
export function parseRepository(value: string, field = 'repository'): ImageRepository {
  const slash = value.indexOf('/');
  const host = slash > 0 ? value.slice(0, slash) : '';
  const name = slash > 0 ? value.slice(slash + 1) : '';
  if (!host || !/[.:]|^localhost$/.test(host) || !NAME.test(name)) {
    throw new KilnError('MANIFEST_FAILED', `"${value}" is not an image repository (host/path)`, {
      where: { field },
      hint: 'write it as registry-host[:port]/path, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
    });
  }
  return { host, name };
}

/** The registry API reference for a tag or digest; validates it so nothing odd reaches a URL. */
export function checkReference(reference: string): string {
  if (isValidOciTag(reference) || isDigest(reference)) return reference;
  throw new KilnError('MANIFEST_FAILED', `"${reference}" is neither an OCI tag nor a sha256 digest`, {
    hint: 'tags match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; digests are sha256:<64 hex>',
  });
}
