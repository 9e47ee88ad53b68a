// `os/arch[/variant]` ↔ the OCI platform object, and the rule for comparing them. Pure.
// arm64's variant is optional: `linux/arm64` and `linux/arm64/v8` are the same platform
// (containerd's platforms.Normalize does the same). Parsing `os/arch[/variant]` is config/oci.ts's.
import type { OciPlatform } from '../config/oci.js';

export function formatPlatform(p: OciPlatform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function normalVariant(p: OciPlatform): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === 'v8')) return undefined;
  return p.variant || undefined;
}

/** True when an image built for `actual` serves `expected`. A missing expected variant matches any. */
export function platformMatches(expected: OciPlatform, actual: OciPlatform): boolean {
  if (expected.os !== actual.os || expected.architecture !== actual.architecture) return false;
  if (expected.variant === undefined) return true;
  return normalVariant(expected) === normalVariant(actual);
}
