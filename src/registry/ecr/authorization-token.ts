// The registry password for an ECR host: GetAuthorizationToken returns base64 `AWS:<password>`,
// valid 12 hours, used as Basic credentials on the registry API.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { KilnError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Credentials } from '../auth/credentials.js';
import { createEcrClient, type EcrClientOptions, ecrError } from './ecr-client.js';

export interface EcrCredentialsOptions extends EcrClientOptions {
  registryId: string;
  log?: Logger;
}

export async function ecrCredentials(options: EcrCredentialsOptions): Promise<Credentials> {
  const client = createEcrClient(options);
  let token: string | undefined;
  try {
    // registryIds is deprecated in the API but still honoured; the token works for every registry
    // the caller may access, so we only pass it to surface a clear AccessDenied early.
    const response = await client.send(new GetAuthorizationTokenCommand({}));
    token = response.authorizationData?.[0]?.authorizationToken;
  } catch (error) {
    throw ecrError(`GetAuthorizationToken (registry ${options.registryId})`, error);
  }
  if (!token) {
    throw new KilnError(
      'ECR_FAILED',
      `ECR GetAuthorizationToken returned no token for registry ${options.registryId}`,
    );
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new KilnError('ECR_FAILED', 'ECR authorization token is not base64 "user:password"');
  const password = decoded.slice(colon + 1);
  options.log?.addSecret(password);
  options.log?.addSecret(token);
  return { username: decoded.slice(0, colon), password };
}
