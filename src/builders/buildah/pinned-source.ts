// Shell lines that put the pinned source of a build job in place and name the build context.
// Every architecture builds the same commit: the job fetches exactly the SHA the prepare job
// resolved and fails loudly when what it got is anything else.
import { credentialHelperConfig } from '../../git/credential-helper.js';
import { shellQuote } from '../../render/shell-quote.js';
import type { BuildJobSpec } from '../../types.js';
import { contextGuardLines } from '../context-guard.js';

/** The checkout folder, inside the job's own work folder `$KILN_WORK` (see buildah-builder.ts). */
export const SOURCE_DIR_VAR = 'KILN_SRC';

/**
 * `git -c credential.<origin>.helper=…` for a private upstream: git asks the helper only for the
 * upstream's own origin (not a host it is redirected to), and the helper reads the token from the CI
 * variable at run time, so the token never appears in the script, the job log or `ps`.
 */
function credentialArgs(source: Extract<BuildJobSpec['source'], { kind: 'git' }>): string[] {
  if (!source.auth) return [];
  const { key, value } = credentialHelperConfig(source.url, source.auth);
  return ['-c', `${key}=${value}`];
}

/**
 * Lines that leave the source in `$KILN_SRC` (git, under `$KILN_WORK`) and define `KILN_CONTEXT`, the build context.
 * A git source is fetched by SHA (`git fetch --depth 1 origin <sha>`, which GitLab, GitHub and
 * git-daemon serve with protocol v2); servers that refuse a SHA get the ref instead, and HEAD
 * must then still be the pinned commit — a ref that moved since prepare is an error, not a silent
 * build of other code.
 */
export function pinnedSourceLines(spec: BuildJobSpec): string[] {
  const source = spec.source;
  if (source.kind === 'local') {
    return [
      `KILN_CONTEXT=${shellQuote(joinPath(source.dir, spec.contextPath))}`,
      ...contextGuardLines({
        root: shellQuote(source.dir),
        contextPath: spec.contextPath,
        dockerfile: spec.dockerfile,
      }),
    ];
  }
  // `-C "$KILN_SRC"` must expand, so it is the one argument not passed through shellQuote.
  const inSrc = (args: string[], extra: string[] = []) =>
    ['git', ...extra.map(shellQuote), '-C', `"$${SOURCE_DIR_VAR}"`, ...args.map(shellQuote)].join(' ');
  const fetch = (what: string) =>
    inSrc(['fetch', '-q', '--depth', '1', 'origin', what], credentialArgs(source));
  const fallbackRef = source.resolvedRef ?? source.ref;
  const expected = shellQuote(source.sha);
  return [
    `echo ${shellQuote(`kiln: ${spec.project} ${spec.platform} from ${source.url} ${source.ref} pinned at ${source.sha}`)}`,
    `${SOURCE_DIR_VAR}="$KILN_WORK/src"`,
    `git init -q "$${SOURCE_DIR_VAR}"`,
    inSrc(['remote', 'add', 'origin', source.url]),
    `${fetch(source.sha)} || ${fetch(fallbackRef)}`,
    inSrc(['checkout', '-q', '--detach', 'FETCH_HEAD']),
    `KILN_HEAD="$(git -C "$${SOURCE_DIR_VAR}" rev-parse HEAD)"`,
    `if [ "$KILN_HEAD" != ${expected} ]; then echo ${shellQuote(`kiln: upstream ${source.url} ${fallbackRef} is at `)}"$KILN_HEAD"${shellQuote(`, not the pinned ${source.sha}; the ref moved since the prepare job, rerun the pipeline`)} >&2; exit 1; fi`,
    `KILN_CONTEXT="$${SOURCE_DIR_VAR}"/${shellQuote(spec.contextPath)}`,
    ...contextGuardLines({
      root: `"$${SOURCE_DIR_VAR}"`,
      contextPath: spec.contextPath,
      dockerfile: spec.dockerfile,
    }),
  ];
}

function joinPath(dir: string, sub: string): string {
  if (sub === '.' || sub === '') return dir;
  return `${dir.replace(/\/+$/, '')}/${sub.replace(/^\.\//, '')}`;
}
