// Which registry hosts are ECR: `<account>.dkr.ecr.<region>.amazonaws.com` (also the FIPS and
// China partitions). Pure; the registry account and region come from the host itself.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html

export interface EcrRegistry {
  host: string;
  /** The 12-digit AWS account id, which ECR calls the registry id. */
  registryId: string;
  region: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The ECR registry of `host`, or undefined when the host is not ECR. */
export function parseEcrHost(host: string): EcrRegistry | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  if (!match?.[1] || !match[2]) return undefined;
  return { host: host.toLowerCase(), registryId: match[1], region: match[2] };
}

/**
 * `acct.dkr.ecr.eu-west-1.amazonaws.com/team/app` → `team/app`: the repository name ECR's API
 * expects. A name without an ECR host is returned unchanged.
 */
export function ecrRepositoryName(repository: string): string {
  const slash = repository.indexOf('/');
  if (slash > 0 && parseEcrHost(repository.slice(0, slash))) return repository.slice(slash + 1);
  return repository;
}
