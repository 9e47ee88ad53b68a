// Adapter: resolves every selected project's upstream_ref to a commit SHA, once, with
// `git ls-remote` (bounded concurrency, retries on transient network failures). Every architecture
// then builds that SHA. Tokens reach git through a credential helper bound to the upstream's origin,
// configured by GIT_CONFIG_* environment variables (never argv).
import { execa } from 'execa';
import pLimit from 'p-limit';
import { isFullCommitSha } from '../config/git-url.js';
import { DEFAULT_SETTINGS } from '../config/settings.js';
import type { Env } from '../context.js';
import { KilnError, type Problem } from '../errors.js';
import { credentialHelperConfig, credentialOrigin, type GitCredential } from '../git/credential-helper.js';
import type { Logger } from '../log.js';
import type { Project } from '../types.js';
import { located, parseLsRemote, pickRef, refProblems, upstreamUrlProblems } from './resolve-ref.js';
import type { PinnedSource } from './types.js';

export interface PinSourcesOptions {
  projects: Project[];
  env: Env;
  log: Logger;
  /** CI_SERVER_HOST: upstreams on this GitLab instance authenticate with CI_JOB_TOKEN. */
  serverHost?: string;
  /** Name of the CI variable with a token for private upstreams on `upstreamTokenHosts`. */
  upstreamTokenVariable?: string;
  /** The only hosts (`host` or `host:port`, as in the URL) that token is ever sent to. */
  upstreamTokenHosts?: string[];
  /** `git ls-remote` at once (setting pin_concurrency; its default when not given). */
  concurrency?: number;
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

type Credentials = GitCredential;

/** Network failures worth another try; "not found" and "authentication failed" are not. */
const TRANSIENT =
  /Could not resolve host|Connection (?:refused|reset|timed out)|timed out|early EOF|RPC failed|HTTP 5\d\d|The requested URL returned error: 5\d\d|remote end hung up|Temporary failure/i;

/** Which token, if any, this upstream's host is configured for. */
function credentialsFor(url: string, options: PinSourcesOptions): Credentials | undefined {
  const origin = credentialOrigin(url);
  if (!origin) return undefined;
  const { host, hostname } = new URL(origin);
  if (options.serverHost && hostname === options.serverHost && options.env['CI_JOB_TOKEN']) {
    return { username: 'gitlab-ci-token', passwordVariable: 'CI_JOB_TOKEN' };
  }
  const variable = options.upstreamTokenVariable;
  const hosts = options.upstreamTokenHosts ?? [];
  if (variable && options.env[variable] && hosts.includes(host)) {
    return { username: 'oauth2', passwordVariable: variable };
  }
  return undefined;
}

/** The credential helper for the URL's origin, as git config in the environment (never argv). */
export function credentialEnv(
  url: string,
  credentials: Credentials,
  env: Env,
  log: Logger,
): Record<string, string> {
  const token = env[credentials.passwordVariable] ?? '';
  log.addSecret(token);
  log.addSecret(Buffer.from(`${credentials.username}:${token}`).toString('base64'));
  const { key, value } = credentialHelperConfig(url, credentials);
  // The helper reads the token from its own environment, so the variable is passed to git as is.
  return {
    [credentials.passwordVariable]: token,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: value,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only the refs a name can mean (protocol v2 filters on the server): big upstreams have
 * thousands of tags and merge-request refs. A tag's peeled commit (`^{}`) is a pattern of its own. */
export function refPatterns(ref: string): string[] {
  if (ref.startsWith('refs/')) return ref.startsWith('refs/tags/') ? [ref, `${ref}^{}`] : [ref];
  return [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/tags/${ref}^{}`];
}

export interface RemoteGitOptions {
  log: Logger;
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

/**
 * A git command that talks to an upstream: never prompts, a timeout per attempt, retries on
 * transient network failures. `what` names it in warnings; failures throw git's (masked) message.
 */
export async function remoteGit(
  args: string[],
  what: string,
  extraEnv: Record<string, string>,
  options: RemoteGitOptions & { cwd?: string },
): Promise<string> {
  const attempts = options.attempts ?? 3;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await execa('git', args, {
      reject: false,
      timeout: options.timeoutMs ?? 60_000,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true', LC_ALL: 'C', ...extraEnv },
      extendEnv: true,
      stdin: 'ignore',
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    if (result.exitCode === 0) return result.stdout;
    lastError = options.log.mask(String(result.stderr || result.shortMessage)).trim();
    if (!TRANSIENT.test(lastError) || attempt === attempts) break;
    options.log.warn(`${what} failed (attempt ${attempt} of ${attempts}), retrying: ${lastError}`);
    await sleep((options.retryDelayMs ?? 1000) * 2 ** (attempt - 1));
  }
  throw new Error(lastError || `${what} failed`);
}

const lsRemote = (
  url: string,
  patterns: string[],
  extraEnv: Record<string, string>,
  options: PinSourcesOptions,
) => remoteGit(['ls-remote', '--', url, ...patterns], `git ls-remote ${url}`, extraEnv, options);

type Listing = { output: string; auth?: Credentials } | { error: unknown; tokenVariable?: string };
/** One `git ls-remote` per upstream URL and ref, shared by every project that names them. */
type ListRefs = (url: string, ref: string) => Promise<Listing>;

async function listRefs(url: string, ref: string, options: PinSourcesOptions): Promise<Listing> {
  const credentials = credentialsFor(url, options);
  try {
    return { output: await lsRemote(url, refPatterns(ref), {}, options) };
  } catch (anonymous) {
    // Public first: a token is only used (and later given to the build job) when the upstream needs it.
    if (!credentials) return { error: anonymous };
    try {
      const env = credentialEnv(url, credentials, options.env, options.log);
      return { output: await lsRemote(url, refPatterns(ref), env, options), auth: credentials };
    } catch (withToken) {
      return { error: withToken, tokenVariable: credentials.passwordVariable };
    }
  }
}

/** Counts pinned upstreams, so a long pin shows `n of N` instead of silence. */
function progress(total: number): () => string {
  let done = 0;
  return () => `${++done} of ${total}`;
}

async function pinOne(
  project: Project,
  list: ListRefs,
  log: Logger,
  count: () => string,
): Promise<PinnedSource | Problem> {
  const url = project.config.upstream_repo ?? '';
  const ref = project.config.upstream_ref ?? '';
  const urlIssues = upstreamUrlProblems(url);
  if (urlIssues.length > 0) return located(project.file, 'upstream_repo', `"${url}" ${urlIssues[0]}`);
  const refIssues = refProblems(ref);
  if (refIssues.length > 0) return located(project.file, 'upstream_ref', `"${ref}" ${refIssues[0]}`);
  const listing = await list(url, ref);
  if ('error' in listing) return unreachable(project, url, ref, listing.error, listing.tokenVariable);
  // A full SHA is already a pin. Listing refs cannot prove an arbitrary commit exists (the build
  // job checks it), but the listing above did prove the repository is reachable, with which
  // credentials, here in the prepare job rather than in a build job later.
  if (isFullCommitSha(ref)) {
    log.info(`kiln: [${count()}] ${project.name}: ${url} pinned by upstream_ref to ${ref}`);
    return { project: project.name, url, ref, sha: ref, ...(listing.auth ? { auth: listing.auth } : {}) };
  }
  const picked = pickRef(ref, parseLsRemote(listing.output));
  if (!picked.ok) {
    const message = `${picked.message} in ${url} (project ${project.name})`;
    return located(project.file, 'upstream_ref', message, picked.hint);
  }
  log.info(`kiln: [${count()}] ${project.name}: ${url} ${ref} → ${picked.sha}`);
  return {
    project: project.name,
    url,
    ref,
    resolvedRef: picked.resolvedRef,
    sha: picked.sha,
    ...(listing.auth ? { auth: listing.auth } : {}),
  };
}

function unreachable(
  project: Project,
  url: string,
  ref: string,
  error: unknown,
  tokenVariable?: string,
): Problem {
  const detail = error instanceof Error ? error.message : String(error);
  return located(
    project.file,
    'upstream_repo',
    `cannot read ${url} to resolve ${ref} (project ${project.name}): ${detail}`,
    redirectHint(url, detail) ??
      (tokenVariable
        ? `check that the token in ${tokenVariable} can read the repository`
        : 'check the URL; a private repository needs CI_JOB_TOKEN access (same GitLab) or upstream_token_variable with upstream_token_hosts'),
  );
}

/** git names the URL it failed on; another origin there means the upstream redirected. */
function redirectHint(url: string, detail: string): string | undefined {
  const failedAt = /'(https?:\/\/[^']+)'/.exec(detail)?.[1];
  const from = credentialOrigin(url);
  const to = failedAt ? credentialOrigin(failedAt) : undefined;
  if (!from || !to || from === to) return undefined;
  return `${from} redirected to ${to}, and tokens are only sent to the host they are configured for; set upstream_repo to the repository's own URL`;
}

/** Whether a project builds an upstream repository (and so is pinned), not this repository's files. */
export function hasUpstream(project: Project): boolean {
  return !project.config.use_local_context && Boolean(project.config.upstream_repo);
}

/** Pins every project with an upstream; throws one REF_NOT_FOUND error listing every failure. */
export async function pinSources(options: PinSourcesOptions): Promise<Record<string, PinnedSource>> {
  const limit = pLimit(options.concurrency ?? DEFAULT_SETTINGS.pinConcurrency);
  const listings = new Map<string, Promise<Listing>>();
  const list: ListRefs = (url, ref) => {
    const key = `${url}\n${ref}`;
    let listing = listings.get(key);
    if (!listing) {
      listing = limit(() => listRefs(url, ref, options));
      listings.set(key, listing);
    }
    return listing;
  };
  const upstream = options.projects.filter(hasUpstream);
  const count = progress(upstream.length);
  const results = await Promise.all(upstream.map((p) => pinOne(p, list, options.log, count)));
  const problems = results.filter((r): r is Problem => !('sha' in r));
  if (problems.length > 0) {
    throw new KilnError('REF_NOT_FOUND', 'cannot pin upstream sources', {
      problems: problems.map(maskProblem(options.log)),
    });
  }
  return Object.fromEntries((results as PinnedSource[]).map((r) => [r.project, r]));
}

function maskProblem(log: Logger) {
  return (p: Problem): Problem => ({ ...p, message: log.mask(p.message) });
}
