// Job-time symlink check, shared by the builders. A symlink can carry the build out of its source:
// a context folder linked to `/`, a Dockerfile linked to /etc/passwd, `etc -> /etc` inside the
// context (Kaniko follows links in the middle of a COPY path). `kiln validate` looks at the
// monorepo's files (config/context-links.ts); the job looks again, at what it really builds: an
// upstream's files exist only after the clone, and a local checkout may differ from the one validated.
//
// The rules, same as validation: the context resolves inside the build source; the Dockerfile and
// every symlink in the context resolve inside the context. The Dockerfile is always
// <context>/<dockerfile_path> (Kaniko and buildah both read it from there), so "inside the context"
// is what dockerfile_path's text rule already says.
//
// POSIX sh with only `readlink`, `find`, `test`: busybox (the Kaniko debug image's /busybox) and
// coreutils (buildah's Fedora image) agree on `readlink -f` of a path that does not end in a link:
// it resolves when every folder but the last exists, and fails otherwise.
import { escapeVariableValue } from '../render/gitlab-escape.js';
import { shellQuote } from '../render/shell-quote.js';

/** The CI variable the script travels in; the child pipeline defines it once, at the top level. */
export const GUARD_VARIABLE = 'KILN_GUARD';

/**
 * The script, in $KILN_GUARD: `sh -c 'eval "$KILN_GUARD"' kiln-guard ROOT CONTEXT DOCKERFILE`, and
 * again from find for the links it lists. It travels in the environment, not as an argument: GNU
 * find refuses an -exec argument holding a second {}, and a context path may hold one. It is in every
 * job's YAML, so its comments are here:
 * - `where` prints where a path leads, links followed even past a missing end (a dangling link to
 *   a file that exists only on the runner still leads there); it fails on a loop or on ".." after
 *   a missing folder, which the job cannot judge and so refuses. A link at the end is followed by
 *   hand, not by readlink -f: busybox resolves a dangling relative link against $PWD.
 * - A missing context is left to the builder to report.
 * - find's `-exec … +` hands the names over as arguments: a newline in a name cannot split them.
 */
export const CONTEXT_GUARD_SCRIPT = [
  'fail() { printf "kiln: %s\\n" "$*" >&2; exit 1; }',
  [
    'where() { p=$1 rest= hops=0',
    'case $p in /*) ;; *) p=$PWD/$p ;; esac',
    'while :; do if [ -L "$p" ]; then hops=$((hops + 1)); [ $hops -le 40 ] || return 1',
    't=$(readlink "$p"); case $t in /*) p=$t ;; *) p=${p%/*}/$t ;; esac',
    'elif r=$(readlink -f "$p" 2>/dev/null); then break',
    'else rest=/${p##*/}$rest; p=${p%/*}; [ -n "$p" ] || p=/; fi; done',
    'case $rest in */../*|*/..) return 1 ;; esac',
    '[ "$r" != / ] || r=; r=$r$rest; printf "%s\\n" "${r:-/}"; }',
  ].join('; '),
  'inside() { [ "$2" = / ] || case $1 in "$2"|"$2"/*) ;; *) return 1 ;; esac; }',
  'loop="a symlink loop, or \\"..\\" after a missing folder"',
  [
    'if [ "$1" = --links ]; then ctx=$KILN_GUARD_CONTEXT; shift; for l; do t=$(where "$l") || fail "cannot follow the symlink $l -> $(readlink "$l"): $loop"',
    'inside "$t" "$ctx" || fail "symlink $l -> $(readlink "$l") leads outside the context $ctx, to $t: the build could copy files from outside the context into the image (hint: remove the link, or replace it with the files it should bring)"',
    'done; exit 0; fi',
  ].join('; '),
  'root=$(where "$1") || fail "cannot follow the build source $1: $loop"',
  'ctx=$(where "$1/$2") || fail "cannot follow context_path $2: $loop"',
  'inside "$ctx" "$root" || fail "context_path $2 resolves to $ctx, outside the build source $root (hint: replace the symlink with the folder it points to)"',
  'df=$(where "$1/$2/$3") || fail "cannot follow dockerfile_path $3: $loop"',
  'inside "$df" "$ctx" || fail "dockerfile_path $3 resolves to $df, outside the context $ctx (hint: put the Dockerfile itself inside the context)"',
  '[ -d "$ctx" ] || exit 0',
  `KILN_GUARD_CONTEXT=$ctx find "$ctx" -type l -exec sh -c 'eval "$KILN_GUARD"' kiln-guard --links {} + || exit 1`,
].join('; ');

/**
 * The job variable holding the script (GitLab's `$$` escaping). About 1.8 KB: the renderer hoists
 * it into the child pipeline's top-level `variables:` so it is written once, not once per job.
 */
export function contextGuardVariables(): Record<string, string> {
  return { [GUARD_VARIABLE]: escapeVariableValue(CONTEXT_GUARD_SCRIPT) };
}

/**
 * Lines that fail the job when the context, the Dockerfile or a symlink in the context leads
 * outside where it may. `root` is a shell word (it may expand `$CI_PROJECT_DIR`); the config
 * values are quoted here. The job must define $KILN_GUARD (contextGuardVariables).
 */
export function contextGuardLines(options: {
  root: string;
  contextPath: string;
  dockerfile: string;
}): string[] {
  const args = [options.root, shellQuote(options.contextPath), shellQuote(options.dockerfile)].join(' ');
  const missing = 'kiln: the symlink check is missing: this job has no KILN_GUARD variable';
  return [`sh -c 'eval "\${KILN_GUARD:?${missing}}"' kiln-guard ${args} || exit 1`];
}
