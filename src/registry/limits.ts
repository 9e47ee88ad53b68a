// How long kiln waits for a registry or token service and how much of an answer it reads.
// Without these, fetch waits 300 s per socket event (undici's defaults) and buffers any size.

export interface Timeouts {
  /** Connection and response headers, per request (each redirect hop too). */
  headersMs: number;
  /** Longest silence while the body arrives. */
  idleMs: number;
  /** One request from start to last byte, redirects included. */
  totalMs: number;
}

// A registry that answers at all answers in well under a second; 30 s rides out a slow moment,
// and with the retry budget (retry.ts, 60 s) a dead registry fails the job in about a minute.
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 30_000, idleMs: 30_000, totalMs: 60_000 };

const MIB = 1024 * 1024;

// The distribution spec asks clients and registries to support manifests of at least 4 MiB:
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests
export const MAX_MANIFEST_BYTES = 4 * MIB;
/** Image configs are KiBs; even long build histories stay far below this. */
export const MAX_CONFIG_BYTES = 8 * MIB;
/** A token response is a JWT or two in JSON: a few KiB. */
export const MAX_TOKEN_BYTES = 1 * MIB;
/** Error bodies are read for their message only: cut, not refused. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Blob GETs redirect once or twice (registry → storage); more is a loop. */
export const MAX_REDIRECTS = 5;

/** `4 MiB`, `64 KiB`, `1234 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** `30 s`, `0.3 s`. */
export function formatSeconds(ms: number): string {
  return `${ms / 1000} s`;
}
