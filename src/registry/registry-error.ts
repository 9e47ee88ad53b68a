// Every registry failure names the registry, repository, reference and HTTP status, and decodes
// the distribution error body (`{"errors":[{"code","message"}]}`) — including ECR's immutable-tag
// refusal (400 TAG_INVALID "…cannot be overwritten because the repository is immutable").
import { KilnError } from '../errors.js';
import {
  describeFailure,
  type FetchFailed,
  type FetchFailure,
  networkCode,
  TLS_FAILURES,
} from './bounded-fetch.js';

export interface RequestTarget {
  host: string;
  repository: string;
  reference: string;
  method: string;
}

export function describeTarget(t: RequestTarget): string {
  return `registry ${t.host}, repository ${t.repository}, reference ${t.reference}`;
}

/** `CODE: message; CODE2: message2` from a distribution error body, or a trimmed text excerpt. */
export function errorBodySummary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      return parsed.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    // not JSON: fall through
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function isImmutableTagRefusal(status: number, body: string): boolean {
  return status === 400 && /TAG_INVALID/.test(body) && /immutable/i.test(body);
}

export function httpError(target: RequestTarget, status: number, body: string): KilnError {
  const summary = errorBodySummary(body);
  if (target.method === 'PUT' && isImmutableTagRefusal(status, body)) {
    return new KilnError(
      'REGISTRY_FAILED',
      `tag "${target.reference}" already exists in ${target.host}/${target.repository} and the repository's tags are immutable (HTTP ${status}: ${summary})`,
      {
        hint: 'ECR: set the repository to MUTABLE tags (floating tags like latest must move), or drop that tag from additional_tags',
      },
    );
  }
  const hint =
    status === 401 || status === 403
      ? 'check the registry credentials (KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD, docker config.json, or the AWS role for ECR) and their push rights'
      : status === 404
        ? 'check the repository exists and the reference was pushed (the build job of that architecture)'
        : undefined;
  return new KilnError(
    'REGISTRY_FAILED',
    `${target.method} failed: ${describeTarget(target)}: HTTP ${status}${summary ? ` ${summary}` : ''}`,
    hint ? { hint } : {},
  );
}

export function networkError(target: RequestTarget, error: unknown): KilnError {
  const detail = describeFailure({ kind: 'network', error });
  const code = networkCode(error) ?? '';
  const hint = !TLS_FAILURES.has(code)
    ? 'check the registry host is reachable from the job (and KILN_INSECURE_REGISTRY for plain-HTTP registries)'
    : code === 'ERR_SSL_WRONG_VERSION_NUMBER'
      ? 'the registry does not speak TLS on that port: set KILN_INSECURE_REGISTRY=true for a plain-HTTP registry'
      : "the job does not trust the registry's TLS certificate: add its CA to the job's image, or point NODE_EXTRA_CA_CERTS at it";
  return new KilnError('REGISTRY_FAILED', `${target.method} failed: ${describeTarget(target)}: ${detail}`, {
    cause: error,
    hint,
  });
}

const FAILURE_HINTS: Record<Exclude<FetchFailure['kind'], 'network'>, string> = {
  timeout:
    'the registry did not answer in time; check it is up and reachable from the job (a firewall that drops packets looks the same)',
  'too-large':
    'registry answers are small (manifests under 4 MiB, configs and tokens a few KiB); check the registry host names a registry, not a web server or proxy answering in its place',
  truncated:
    'the connection dropped mid-answer; check the proxies or load balancers between the job and the registry',
  'redirect-loop': 'check the registry host and any proxy in front of it',
};

/** A request that got no complete answer: timed out, too large, cut short, or no connection. */
export function fetchFailedError(target: RequestTarget, failed: FetchFailed): KilnError {
  const { failure } = failed;
  if (failure.kind === 'network') return networkError(target, failure.error);
  return new KilnError(
    'REGISTRY_FAILED',
    `${target.method} failed: ${describeTarget(target)}: ${failed.message}`,
    {
      cause: failed,
      hint: FAILURE_HINTS[failure.kind],
    },
  );
}

/** A 3xx to a manifest PUT, which kiln refuses to follow (see client.ts). */
export function redirectedWriteError(target: RequestTarget, status: number, location: string): KilnError {
  return new KilnError(
    'REGISTRY_FAILED',
    `${target.method} failed: ${describeTarget(target)}: the registry redirected the write (HTTP ${status}) to ${location}; kiln does not follow redirects of a manifest PUT`,
    {
      hint: 'set the registry host (KILN_REGISTRY, KILN_INSECURE_REGISTRY) to where the registry really answers, or fix the proxy in front of it that redirects',
    },
  );
}
