// The Kaniko executor command line (pure): BuildJobSpec → argv of shell words.
// Flags are those of the maintained fork (osscontainertools/kaniko, test/fixtures/reference
// kaniko-executor-flags.tsv); every flag emitted here is checked against that table in tests.
import { isFullCommitSha } from '../../config/git-url.js';
import { KilnError } from '../../errors.js';
import type { WordPart } from '../../render/shell-quote.js';
import type { BuildJobSpec } from '../../types.js';

export const KANIKO_EXECUTOR = '/kaniko/executor';

/** Layer-cache options the plan does not carry in BuildJobSpec. */
export const KANIKO_DEFAULTS = {
  /** `redo` compares mtimes and metadata instead of hashing every file: much faster, same result
   * for package-manager builds (Kaniko README, "--snapshot-mode"). */
  snapshotMode: 'redo',
  pushRetry: '3',
  imageDownloadRetry: '3',
} as const;

/** `git://<host>/<path>` for Kaniko's git context; its transport is HTTPS (or HTTP with
 * GIT_PULL_METHOD=http), never ssh or the git protocol (kaniko pkg/buildcontext/git.go). */
export function kanikoGitUrl(url: string): { hostPath: string; plainHttp: boolean } {
  const match = /^(https?):\/\/([^\s#]+)$/.exec(url);
  if (!match?.[2]) {
    throw new KilnError('PLAN_INVALID', `Kaniko cannot clone ${url}: its git context speaks HTTPS only`, {
      hint: 'use the https:// URL of the upstream, or set builder: buildah for this project',
    });
  }
  // Credentials in the URL would end up in the job log; kiln passes tokens as variables instead.
  const hostPath = match[2].replace(/^[^/@]*@/, '');
  return { hostPath, plainHttp: match[1] === 'http' };
}

/**
 * The context and `--git` options that fetch least while still guaranteeing the pinned SHA:
 * - branch: `#refs/heads/<b>#<sha>` is cloned directly as that branch; with depth=1 and
 *   single-branch only its tip is fetched, then `<sha>` is checked out. If the branch moved since
 *   the prepare job, the SHA is not in the clone and the checkout fails loudly, never a silent
 *   build of another commit.
 * - tag: a `refs/tags/` ref takes Kaniko's slow path (clone HEAD, then fetch the tag without depth),
 *   so the ref part is left empty and `--git branch=<tag>` makes Kaniko resolve refs/tags/<tag> and
 *   clone it at depth 1; the SHA checkout guards it as above.
 * - a full SHA or any other ref: Kaniko clones the default branch and fetches the ref without a
 *   depth (full history); there is no cheaper form that still guarantees the commit.
 */
export function gitContext(source: Extract<BuildJobSpec['source'], { kind: 'git' }>): {
  context: string;
  gitOptions: string[];
} {
  const { hostPath } = kanikoGitUrl(source.url);
  const shallow = ['depth=1', 'single-branch=true'];
  const resolved = source.resolvedRef ?? '';
  if (resolved.startsWith('refs/heads/')) {
    return { context: `git://${hostPath}#${resolved}#${source.sha}`, gitOptions: shallow };
  }
  if (resolved.startsWith('refs/tags/')) {
    const tag = resolved.slice('refs/tags/'.length);
    return { context: `git://${hostPath}##${source.sha}`, gitOptions: [`branch=${tag}`, ...shallow] };
  }
  const ref = resolved || (isFullCommitSha(source.ref) ? source.sha : source.ref);
  return { context: `git://${hostPath}#${ref}#${source.sha}`, gitOptions: [] };
}

const hostOf = (reference: string) => reference.split('/')[0] ?? reference;

const flag = (name: string, value: string): WordPart[] => [{ text: `--${name}=${value}` }];

/** The argv of `/kaniko/executor` for one build job, as shell words made of parts. */
export function kanikoArgv(spec: BuildJobSpec): WordPart[][] {
  const args: WordPart[][] = [[{ text: KANIKO_EXECUTOR }]];
  if (spec.source.kind === 'git') {
    const { context, gitOptions } = gitContext(spec.source);
    args.push(flag('context', context));
    for (const option of gitOptions) args.push(flag('git', option));
  } else {
    // dir:// (not a bare path): Kaniko applies --context-sub-path to URL-style contexts only.
    const dir = spec.source.dir === '.' || spec.source.dir === '' ? '' : `/${spec.source.dir}`;
    args.push([{ text: '--context=dir://' }, { variable: 'CI_PROJECT_DIR' }, { text: dir }]);
  }
  if (spec.contextPath !== '.' && spec.contextPath !== '')
    args.push(flag('context-sub-path', spec.contextPath));
  args.push(flag('dockerfile', spec.dockerfile));
  if (spec.target !== '') args.push(flag('target', spec.target));
  for (const arg of spec.buildArgs) {
    args.push([{ text: `--build-arg=${arg.name}=` }, { expanding: arg.value }]);
  }
  args.push(flag('custom-platform', spec.platform));
  args.push(flag('destination', spec.destination));
  args.push([{ text: '--digest-file=' }, { variable: 'CI_PROJECT_DIR' }, { text: `/${spec.digestFile}` }]);
  for (const [key, value] of Object.entries(spec.labels)) args.push(flag('label', `${key}=${value}`));
  if (spec.cacheRepository !== undefined) {
    args.push(
      flag('cache', 'true'),
      flag('cache-repo', spec.cacheRepository),
      flag('cache-ttl', spec.cacheTtl),
    );
  } else {
    args.push(flag('cache', 'false'));
  }
  args.push(
    flag('snapshot-mode', KANIKO_DEFAULTS.snapshotMode),
    [{ text: '--use-new-run' }],
    [{ text: '--cleanup' }],
  );
  args.push(flag('push-retry', KANIKO_DEFAULTS.pushRetry));
  args.push(flag('image-download-retry', KANIKO_DEFAULTS.imageDownloadRetry));
  if (spec.compression === 'zstd') args.push(flag('compression', 'zstd'));
  if (spec.registryMirror) args.push(flag('registry-mirror', spec.registryMirror));
  if (spec.insecureRegistry) {
    // Per registry, not --insecure/--insecure-pull: those switch EVERY push and pull to plain HTTP,
    // base images from Docker Hub included.
    const hosts = new Set([spec.destination, spec.cacheRepository ?? spec.destination].map(hostOf));
    for (const host of hosts) args.push(flag('insecure-registry', host));
  }
  return args;
}
