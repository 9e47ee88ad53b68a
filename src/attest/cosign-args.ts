// The argv of every cosign and syft run kiln attest makes, and the key it signs with. Pure.
// Images are always named by digest: a tag can move between signing and verifying, a digest not.
// cosign's own formats are the contract: signatures and attestations go where `cosign verify` and
// `cosign verify-attestation` look for them (the `sha256-<digest>.sig` / `.att` tags).
import type { Env } from '../context.js';
import { KilnError } from '../errors.js';
import type { SbomFormat, SigningSpec } from '../types.js';

/** cosign's predicate types for what kiln attests (cosign attest --type). */
export const PREDICATE_TYPES = {
  provenance: 'slsaprovenance1',
  'spdx-json': 'spdxjson',
  'cyclonedx-json': 'cyclonedx',
} as const;

/** KMS references cosign resolves itself (https://docs.sigstore.dev/cosign/key_management/overview/). */
const KMS_URI = /^(awskms|gcpkms|azurekms|hashivault|k8s):\/\//;

export interface SigningKey {
  /** What `--key` gets: a path, `env://NAME` or a KMS URI. Never the key itself. */
  ref: string;
  /** Where it came from, for the log. */
  source: string;
}

/**
 * The key of key mode: a KMS URI as it is; otherwise the CI variable `spec.key` names, whose value
 * is a file path (a file-type variable) or the PEM text (then cosign reads it from the variable).
 */
export function resolveSigningKey(
  spec: SigningSpec,
  env: Env,
  exists: (file: string) => boolean,
): SigningKey {
  const key = spec.key ?? 'COSIGN_PRIVATE_KEY';
  if (KMS_URI.test(key)) return { ref: key, source: `KMS key ${key}` };
  const value = env[key];
  const hint = `add a file-type CI/CD variable ${key} holding the cosign private key (cosign generate-key-pair), or set signing_key to a KMS URI such as awskms:///alias/kiln`;
  if (!value) {
    throw new KilnError(
      'ATTEST_FAILED',
      `signing: key needs a cosign private key in ${key}, which is unset or empty`,
      {
        hint,
      },
    );
  }
  if (value.trimStart().startsWith('-----BEGIN'))
    return { ref: `env://${key}`, source: `the variable ${key}` };
  if (!exists(value)) {
    throw new KilnError('ATTEST_FAILED', `signing: ${key} names the file ${value}, which does not exist`, {
      hint,
    });
  }
  return { ref: value, source: `the file in ${key}` };
}

/** What every cosign run that writes to the registry shares. */
function writeFlags(spec: SigningSpec, key: SigningKey | undefined, insecure: boolean): string[] {
  const flags = ['--yes'];
  if (spec.mode === 'key') {
    // A team's own key needs no public transparency log; consumers verify with
    // --insecure-ignore-tlog=true (README, "Verifying").
    flags.push('--key', key?.ref ?? '', '--tlog-upload=false');
  } else {
    flags.push(`--fulcio-url=${spec.fulcioUrl}`, `--rekor-url=${spec.rekorUrl}`);
  }
  if (insecure) flags.push('--allow-http-registry', '--allow-insecure-registry');
  return flags;
}

/** One run for several images: cosign decrypts the key (scrypt, about 0.3 s) once per run. */
export function signArgs(
  images: string[],
  spec: SigningSpec,
  key: SigningKey | undefined,
  insecure: boolean,
): string[] {
  return ['sign', ...writeFlags(spec, key, insecure), ...images];
}

export function attestArgs(input: {
  image: string;
  predicateFile: string;
  type: (typeof PREDICATE_TYPES)[keyof typeof PREDICATE_TYPES];
  spec: SigningSpec;
  key: SigningKey | undefined;
  insecure: boolean;
}): string[] {
  return [
    'attest',
    ...writeFlags(input.spec, input.key, input.insecure),
    '--type',
    input.type,
    '--predicate',
    input.predicateFile,
    input.image,
  ];
}

/** syft reads the pushed image from the registry by digest, never from a local daemon. */
export function syftArgs(image: string, format: SbomFormat, output: string): string[] {
  return ['scan', `registry:${image}`, '--output', `${format}=${output}`, '--quiet'];
}
