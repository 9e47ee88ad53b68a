// One ECR SDK client, built the same way for every call. Credentials come from the SDK's default
// chain (env keys, web identity: GitLab OIDC `id_tokens` + AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE,
// profiles, instance roles), so a pipeline needs no static keys.
// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
import { ECRClient } from '@aws-sdk/client-ecr';
import type { Env } from '../../context.js';
import { KilnError } from '../../errors.js';

export interface EcrClientOptions {
  /** AWS region; defaults to the SDK's own lookup (AWS_REGION, profile). */
  region?: string;
  /** Endpoint override: a local server answering ECR's JSON API in tests, or a VPC endpoint. */
  endpoint?: string;
  /** Ready-made client (tests, or a caller that already has one). */
  client?: ECRClient;
}

export function createEcrClient(options: EcrClientOptions): ECRClient {
  if (options.client) return options.client;
  return new ECRClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // kiln has its own bounded retries around the registry; the SDK's standard mode is enough here.
    maxAttempts: 4,
    // The SDK sets no request timeout of its own: an endpoint that never answers would hold the
    // job. The same bounds as the registry's (limits.ts).
    requestHandler: { connectionTimeout: 30_000, requestTimeout: 30_000 },
  });
}

/** The endpoint override from the job's environment (the SDK's own service-specific variable first). */
export function ecrEndpointFromEnv(env: Env): string | undefined {
  return env['AWS_ENDPOINT_URL_ECR'] || env['AWS_ENDPOINT_URL'] || undefined;
}

/** Wraps an SDK failure in a KilnError that says what was attempted and what to check. */
export function ecrError(action: string, error: unknown, hint?: string): KilnError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as { message?: string }).message ?? String(error);
  const credentialsProblem = /credential|token|AccessDenied|UnrecognizedClient|ExpiredToken/i.test(
    `${name} ${message}`,
  );
  return new KilnError('ECR_FAILED', `ECR ${action} failed: ${name}: ${message}`, {
    cause: error,
    hint:
      hint ??
      (credentialsProblem
        ? 'check the job has AWS credentials: id_tokens + AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (GitLab OIDC) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and that the role may call ecr:*'
        : 'check the region, the repository name and the IAM policy of the role'),
  });
}
