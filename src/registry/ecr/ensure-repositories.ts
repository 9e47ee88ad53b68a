// Creates the ECR repositories a plan pushes to (the image repository and the per-architecture
// cache repositories) when they are missing. Each is looked up first (DescribeRepositories), so a
// role that may describe but not create works as long as they all exist; only the missing ones
// are created. Safe on every pipeline: one created by a parallel pipeline in between
// (RepositoryAlreadyExistsException) counts as there.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
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
  /** For new repositories only: ECR's basic scan of each pushed image. Default off. */
  scanOnPush?: boolean;
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
  const registry = options.registryId ? { registryId: options.registryId } : {};
  // By name too: a second copy of the SDK (bundled, or a test's) has classes of its own.
  const notFound = (error: unknown) =>
    error instanceof RepositoryNotFoundException || (error as Error).name === 'RepositoryNotFoundException';
  const alreadyThere = (error: unknown) =>
    error instanceof RepositoryAlreadyExistsException ||
    (error as Error).name === 'RepositoryAlreadyExistsException';
  let describeDenied = false;
  const exists = async (repositoryName: string): Promise<boolean> => {
    if (describeDenied) return false;
    try {
      await client.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName], ...registry }));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      // A role set up before kiln looked repositories up may lack the action: create each and
      // take "already exists" as there, as kiln did then.
      if (!accessHint('ecr:DescribeRepositories', error))
        throw ecrError(`DescribeRepositories ${repositoryName}`, error);
      if (!describeDenied) {
        options.log?.warn(
          'ECR: the role may not call ecr:DescribeRepositories; creating each repository and taking "already exists" as there (grant it, and a role without ecr:CreateRepository works too)',
        );
      }
      describeDenied = true;
      return false;
    }
  };
  await Promise.all(
    names.map((repositoryName) =>
      limit(async () => {
        if (await exists(repositoryName)) {
          result.existing.push(repositoryName);
          return;
        }
        try {
          await client.send(
            new CreateRepositoryCommand({
              repositoryName,
              ...registry,
              imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
              imageScanningConfiguration: { scanOnPush: options.scanOnPush ?? false },
            }),
          );
          result.created.push(repositoryName);
          options.log?.info(`ECR: created repository ${repositoryName}`);
        } catch (error) {
          if (alreadyThere(error)) {
            result.existing.push(repositoryName);
            return;
          }
          throw ecrError(
            `CreateRepository ${repositoryName}`,
            error,
            accessHint('ecr:CreateRepository', error) ??
              'check the repository name and the IAM policy of the role',
          );
        }
      }),
    ),
  );
  result.created.sort();
  result.existing.sort();
  return result;
}

/** An AccessDenied names the IAM action the role lacks, and how to do without it. */
function accessHint(action: string, error: unknown): string | undefined {
  const text = `${(error as Error).name} ${(error as Error).message}`;
  if (!/AccessDenied|not authorized/i.test(text)) return undefined;
  return action === 'ecr:CreateRepository'
    ? `the role may not call ${action}: grant it (on arn:aws:ecr:<region>:<account>:repository/*), or create the repository yourself; with every repository in place, kiln needs only ecr:DescribeRepositories, or nothing with create_repositories: false`
    : `the role may not call ${action}: grant it, or set create_repositories: false when the repositories are managed elsewhere`;
}
