// Creates the ECR repositories a plan pushes to (the image repository and the per-architecture
// cache repositories) when they are missing. Safe to call on every pipeline: an existing
// repository (RepositoryAlreadyExistsException) counts as success, so parallel pipelines never race.
import { CreateRepositoryCommand, RepositoryAlreadyExistsException } from '@aws-sdk/client-ecr';
import pLimit from 'p-limit';
import type { Logger } from '../../log.js';
import { createEcrClient, type EcrClientOptions, ecrError } from './ecr-client.js';
import { ecrRepositoryName } from './ecr-host.js';

export interface EnsureRepositoriesOptions extends EcrClientOptions {
  /** Repository names (`team/app`) or full references with the ECR host (`acct.dkr.ecr…/team/app`). */
  repositories: string[];
  /** The registry (account) id; defaults to the caller's own account. */
  registryId?: string;
  /** For new repositories only; existing ones keep their setting. Default MUTABLE (floating tags move). */
  imageTagMutability?: 'MUTABLE' | 'IMMUTABLE';
  log?: Logger;
}

export interface EnsureRepositoriesResult {
  created: string[];
  existing: string[];
}

export async function ensureRepositories(
  options: EnsureRepositoriesOptions,
): Promise<EnsureRepositoriesResult> {
  const client = createEcrClient(options);
  const names = [...new Set(options.repositories.map(ecrRepositoryName))].sort();
  const limit = pLimit(4);
  const result: EnsureRepositoriesResult = { created: [], existing: [] };
  await Promise.all(
    names.map((repositoryName) =>
      limit(async () => {
        try {
          await client.send(
            new CreateRepositoryCommand({
              repositoryName,
              ...(options.registryId ? { registryId: options.registryId } : {}),
              imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
            }),
          );
          result.created.push(repositoryName);
          options.log?.info(`ECR: created repository ${repositoryName}`);
        } catch (error) {
          if (
            error instanceof RepositoryAlreadyExistsException ||
            (error as Error).name === 'RepositoryAlreadyExistsException'
          ) {
            result.existing.push(repositoryName);
            return;
          }
          throw ecrError(`CreateRepository ${repositoryName}`, error);
        }
      }),
    ),
  );
  result.created.sort();
  result.existing.sort();
  return result;
}
