// Which credentials the manifest job uses for a registry host, in this order:
//   1. KILN_REGISTRY_USER + KILN_REGISTRY_PASSWORD (explicit, e.g. masked CI variables)
//   2. an ECR host: a token from GetAuthorizationToken (the SDK's default credential chain)
//   3. GitLab's own registry: CI_REGISTRY_USER + CI_REGISTRY_PASSWORD when the host is CI_REGISTRY
//   4. REGISTRY_AUTH_FILE, containers auth.json, $DOCKER_CONFIG/config.json, ~/.docker/config.json
//   5. anonymous
import type { Env } from '../../context.js';
import type { Logger } from '../../log.js';
import { parseEcrHost } from '../ecr/ecr-host.js';
import type { Credentials } from './credentials.js';
import { findFileCredentials } from './docker-config.js';

export interface ResolvedCredentials {
  credentials?: Credentials;
  /** Where they came from, for the job log (never the secret). */
  source: string;
}

export async function resolveCredentials(options: {
  host: string;
  env: Env;
  log: Logger;
}): Promise<ResolvedCredentials> {
  const { host, env, log } = options;
  const found = await pick(host, env, log);
  if (found.credentials) log.addSecret(found.credentials.password);
  return found;
}

async function pick(host: string, env: Env, log: Logger): Promise<ResolvedCredentials> {
  const user = env['KILN_REGISTRY_USER'];
  const password = env['KILN_REGISTRY_PASSWORD'];
  if (user && password)
    return { credentials: { username: user, password }, source: 'KILN_REGISTRY_USER/KILN_REGISTRY_PASSWORD' };

  const ecr = parseEcrHost(host);
  if (ecr) {
    // Loaded only for ECR hosts: the AWS SDK is most of kiln's start-up time.
    const { ecrCredentials } = await import('../ecr/authorization-token.js');
    const { ecrEndpointFromEnv } = await import('../ecr/ecr-client.js');
    const endpoint = ecrEndpointFromEnv(env);
    const credentials = await ecrCredentials({
      region: ecr.region,
      registryId: ecr.registryId,
      log,
      ...(endpoint ? { endpoint } : {}),
    });
    return { credentials, source: `ECR GetAuthorizationToken (${ecr.region})` };
  }

  const ciUser = env['CI_REGISTRY_USER'];
  const ciPassword = env['CI_REGISTRY_PASSWORD'];
  if (env['CI_REGISTRY'] && env['CI_REGISTRY'].toLowerCase() === host.toLowerCase() && ciUser && ciPassword) {
    return {
      credentials: { username: ciUser, password: ciPassword },
      source: 'CI_REGISTRY_USER/CI_REGISTRY_PASSWORD',
    };
  }

  const fromFile = await findFileCredentials(env, host);
  if (fromFile) return { credentials: fromFile, source: 'registry auth file' };
  return { source: 'anonymous' };
}
