// Symlinks can carry a build out of its context, where the text rules (relative-path.ts) cannot
// see: a context folder linked to `/`, a Dockerfile linked to /etc/passwd, `etc -> /etc` inside
// the context (Kaniko follows a link in the middle of a COPY path, so runner files would land in
// the image). For local-context projects, whose files are here, this follows the links on disk.
// The build job checks again (builders/context-guard.ts), with the same rules:
// - the context resolves inside the build source (the project folder, or the repository root
//   with local_context: repository);
// - the Dockerfile resolves inside the context (kiln always reads <context>/<dockerfile_path>);
// - every symlink in the context resolves inside the context. Not "inside the source": a link to
//   a folder elsewhere in the source would lead to links this scan never visits.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Project } from '../types.js';
import { isInside } from './relative-path.js';

/**
 * Entries read per context. A repository-root context can hold node_modules; past this many the
 * scan stops without a word: validation is the early warning, the job's check (no bound) decides.
 */
export const MAX_SCANNED_ENTRIES = 50_000;
/** Linux's MAXSYMLINKS. */
const MAX_LINK_HOPS = 40;
const UNFOLLOWABLE = 'a symlink loop, or ".." after a missing folder';

export type EntryKind = 'link' | 'dir' | 'other';

/**
 * What the rules read, by absolute path: the disk (local contexts), or an upstream's git tree at
 * its pinned commit (plan/upstream-links.ts), so both are judged by the same code.
 */
export interface LinkFs {
  /** undefined when nothing is there. */
  kind(p: string): EntryKind | undefined;
  readlink(p: string): string;
  /** A folder's entries; undefined when it cannot be read. */
  list(dir: string): { name: string; kind: EntryKind }[] | undefined;
}

const kindOf = (entry: { isSymbolicLink(): boolean; isDirectory(): boolean }): EntryKind =>
  entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'dir' : 'other';

export const diskFs: LinkFs = {
  kind(p) {
    const stat = lstatSync(p, { throwIfNoEntry: false });
    return stat ? kindOf(stat) : undefined;
  },
  readlink: (p) => readlinkSync(p),
  list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, kind: kindOf(e) }));
    } catch {
      return undefined;
    }
  },
};

export interface Followed {
  /** Where the path leads; undefined for a loop or `..` after a missing folder (refused). */
  to?: string;
  /** The links followed on the way, in order. */
  links: { link: string; target: string }[];
}

/**
 * Follows `start` as the kernel would, also past a missing end: a dangling link to a file that
 * exists only on the runner still leads there.
 */
export function followLinks(start: string, fs: LinkFs = diskFs): Followed {
  const links: Followed['links'] = [];
  const todo = path.resolve(start).split(path.sep).filter(Boolean);
  let at: string = path.sep;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      at = path.dirname(at);
      continue;
    }
    const next = path.join(at, part);
    let kind: EntryKind | undefined;
    try {
      kind = fs.kind(next);
    } catch {
      kind = undefined; // ENOTDIR, EACCES: nothing to follow there
    }
    // Nothing more there: the rest is text. After a missing folder `..` cannot be judged.
    if (kind === undefined) return todo.includes('..') ? { links } : { to: path.join(next, ...todo), links };
    if (kind !== 'link') {
      at = next;
      continue;
    }
    if (links.length >= MAX_LINK_HOPS) return { links };
    const target = fs.readlink(next);
    links.push({ link: next, target });
    todo.unshift(...target.split('/').filter(Boolean));
    if (target.startsWith('/')) at = path.sep;
  }
  return { to: at, links };
}

export interface EscapingLink {
  link: string;
  target: string;
  to?: string;
}

/** Symlinks under `context` (resolved) that lead outside it, sorted; reads at most `limit` entries. */
export function escapingLinks(
  context: string,
  limit = MAX_SCANNED_ENTRIES,
  fs: LinkFs = diskFs,
): EscapingLink[] {
  const found: EscapingLink[] = [];
  const folders = [context];
  let read = 0;
  while (folders.length > 0 && read < limit) {
    const folder = folders.pop()!;
    // Unreadable here: the job's check sees the job's permissions.
    const entries = fs.list(folder) ?? [];
    for (const entry of entries.slice(0, limit - read)) {
      const full = path.join(folder, entry.name);
      if (entry.kind === 'dir') folders.push(full);
      if (entry.kind !== 'link') continue;
      const { to } = followLinks(full, fs);
      if (to === undefined || !isInside(context, to))
        found.push({ link: full, target: fs.readlink(full), to });
    }
    read += entries.length;
  }
  return found.sort((a, b) => a.link.localeCompare(b.link));
}

/** `p` relative to `root` for messages, or absolute when it is outside. */
function shown(root: string, p: string): string {
  const rel = path.relative(root, p);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return p;
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** A project's files as the rules see them: where they are, and how messages name them. */
export interface LinkSource {
  fs: LinkFs;
  /** Paths in messages are relative to this folder. */
  root: string;
  /** What `root` is called in messages: "the repository root". */
  rootName: string;
  /** The folder the context must resolve inside (links resolved). */
  source: string;
  sourceName: string;
  hints: { context: string; dockerfile: (contextName: string) => string; link: string };
  /** Before every message: which upstream and commit, when the files are not the monorepo's. */
  prefix?: string;
}

/**
 * The symlink problems of one project whose context folder is `contextDir` (not yet resolved), on
 * build-config.yaml's context_path and dockerfile_path. `scans` shares context scans between the
 * projects of one LinkSource (many may build the repository).
 */
export function linkProblems(
  src: LinkSource,
  project: Project,
  contextDir: string,
  scans = new Map<string, EscapingLink[]>(),
): Problem[] {
  const { config, file } = project;
  const { fs, source, sourceName, hints } = src;
  const show = (p: string) => shown(src.root, p);
  const chain = (links: Followed['links']) =>
    links.length === 0 ? '' : ` (symlink ${links.map((l) => `${show(l.link)} -> ${l.target}`).join(', ')})`;
  const at = (field: string, message: string, hint: string): Problem => ({
    file,
    field,
    message: `${src.prefix ?? ''}${message}`,
    hint,
  });

  const context = followLinks(contextDir, fs);
  if (context.to === undefined)
    return [at('context_path', `${config.context_path} cannot be followed: ${UNFOLLOWABLE}`, hints.context)];
  if (!isInside(source, context.to)) {
    const message = `${config.context_path} resolves to ${show(context.to)}, outside ${sourceName}${chain(context.links)}`;
    return [at('context_path', message, hints.context)];
  }
  const contextName = show(context.to) === '.' ? `(${src.rootName})` : show(context.to);

  const problems: Problem[] = [];
  const dockerfile = followLinks(path.join(contextDir, config.dockerfile_path), fs);
  const dockerfileHint = hints.dockerfile(contextName);
  if (dockerfile.to === undefined) {
    problems.push(
      at('dockerfile_path', `${config.dockerfile_path} cannot be followed: ${UNFOLLOWABLE}`, dockerfileHint),
    );
  } else if (!isInside(context.to, dockerfile.to)) {
    const message = `${config.dockerfile_path} resolves to ${show(dockerfile.to)}, outside the context ${contextName}${chain(dockerfile.links)}`;
    problems.push(at('dockerfile_path', message, dockerfileHint));
  }
  // A link already named for the Dockerfile is not named twice.
  const named = new Set(problems.length > 0 ? dockerfile.links.map((l) => l.link) : []);

  let escaping = scans.get(context.to);
  if (!escaping) {
    escaping = fs.kind(context.to) === 'dir' ? escapingLinks(context.to, MAX_SCANNED_ENTRIES, fs) : [];
    scans.set(context.to, escaping);
  }
  for (const { link, target, to } of escaping) {
    if (named.has(link)) continue;
    const message =
      to === undefined
        ? `symlink ${show(link)} -> ${target} cannot be followed: ${UNFOLLOWABLE}`
        : `symlink ${show(link)} -> ${target} leads outside the context ${contextName}, to ${show(to)}: the build could copy files from outside the context into the image`;
    problems.push(at('context_path', message, hints.link));
  }
  return problems;
}

/**
 * The symlink problems of one local-context project, on the monorepo's files.
 * `scans` shares context scans between projects (many may build the repository).
 */
export function contextLinkProblems(
  repoRoot: string,
  project: Project,
  scans = new Map<string, EscapingLink[]>(),
): Problem[] {
  const { config } = project;
  if (!config.use_local_context) return [];
  const wholeRepository = config.local_context === 'repository';
  let repo: string;
  let source: string;
  try {
    repo = realpathSync(repoRoot);
    source = realpathSync(path.join(repo, wholeRepository ? '.' : project.dir));
  } catch {
    return [];
  }
  const sourceName = wholeRepository ? 'the repository root' : shown(repo, source);
  const src: LinkSource = {
    fs: diskFs,
    root: repo,
    rootName: 'the repository root',
    source,
    sourceName,
    hints: {
      context: wholeRepository
        ? 'replace the symlink with the folder it points to: the context stays inside the repository root'
        : `replace the symlink with the folder it points to: the context stays inside ${sourceName} (local_context: repository builds from the whole repository)`,
      dockerfile: (contextName) => `put the Dockerfile itself inside ${contextName}`,
      link: 'remove the link, or replace it with the files it should bring',
    },
  };
  const contextDir = path.join(repo, wholeRepository ? '.' : project.dir, config.context_path);
  return linkProblems(src, project, contextDir, scans);
}
