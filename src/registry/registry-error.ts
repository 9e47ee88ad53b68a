// Every registry failure names the registry, repository, reference and HTTP status, and decodes
// the distribution error body (`{"errors":[{"code","message"}]}`) — including ECR's immutable-tag
// refusal (400 TAG_INVALID "…cannot be overwritten because the repository is immutable").
import { KilnError } from '../errors.js';

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
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new KilnError('REGISTRY_FAILED', `${target.method} failed: ${describeTarget(target)}: ${detail}`, {
    cause: error,
    hint: 'check the registry host is reachable from the job (and KILN_INSECURE_REGISTRY for plain-HTTP registries)',
  });
}
