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
import type { Dirent } from 'node:fs';
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
export function followLinks(start: string): Followed {
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
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      // Nothing more on disk: the rest is text. After a missing folder `..` cannot be judged.
      return todo.includes('..') ? { links } : { to: path.join(next, ...todo), links };
    }
    if (!isLink) {
      at = next;
      continue;
    }
    if (links.length >= MAX_LINK_HOPS) return { links };
    const target = readlinkSync(next);
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
export function escapingLinks(context: string, limit = MAX_SCANNED_ENTRIES): EscapingLink[] {
  const found: EscapingLink[] = [];
  const folders = [context];
  let read = 0;
  while (folders.length > 0 && read < limit) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // unreadable here: the job's check sees the job's permissions
    }
    for (const entry of entries.slice(0, limit - read)) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) folders.push(full);
      if (!entry.isSymbolicLink()) continue;
      const { to } = followLinks(full);
      if (to === undefined || !isInside(context, to))
        found.push({ link: full, target: readlinkSync(full), to });
    }
    read += entries.length;
  }
  return found.sort((a, b) => a.link.localeCompare(b.link));
}

/**
 * The symlink problems of one local-context project, on build-config.yaml's context_path and
 * dockerfile_path. `scans` shares context scans between projects (many may build the repository).
 */
export function contextLinkProblems(
  repoRoot: string,
  project: Project,
  scans = new Map<string, EscapingLink[]>(),
): Problem[] {
  const { config, file } = project;
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
  const show = (p: string) => {
    const rel = path.relative(repo, p);
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return p;
    return rel === '' ? '.' : rel.split(path.sep).join('/');
  };
  const chain = (links: Followed['links']) =>
    links.length === 0 ? '' : ` (symlink ${links.map((l) => `${show(l.link)} -> ${l.target}`).join(', ')})`;
  const sourceName = wholeRepository ? 'the repository root' : show(source);
  const contextHint = wholeRepository
    ? 'replace the symlink with the folder it points to: the context stays inside the repository root'
    : `replace the symlink with the folder it points to: the context stays inside ${sourceName} (local_context: repository builds from the whole repository)`;
  const at = (field: string, message: string, hint: string): Problem => ({ file, field, message, hint });

  const contextDir = path.join(repo, wholeRepository ? '.' : project.dir, config.context_path);
  const context = followLinks(contextDir);
  if (context.to === undefined)
    return [at('context_path', `${config.context_path} cannot be followed: ${UNFOLLOWABLE}`, contextHint)];
  if (!isInside(source, context.to)) {
    const message = `${config.context_path} resolves to ${show(context.to)}, outside ${sourceName}${chain(context.links)}`;
    return [at('context_path', message, contextHint)];
  }
  const contextName = show(context.to) === '.' ? '(the repository root)' : show(context.to);

  const problems: Problem[] = [];
  const dockerfile = followLinks(path.join(contextDir, config.dockerfile_path));
  const dockerfileHint = `put the Dockerfile itself inside ${contextName}`;
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
    escaping = lstatSync(context.to, { throwIfNoEntry: false })?.isDirectory()
      ? escapingLinks(context.to)
      : [];
    scans.set(context.to, escaping);
  }
  const linkHint = 'remove the link, or replace it with the files it should bring';
  for (const { link, target, to } of escaping) {
    if (named.has(link)) continue;
    const message =
      to === undefined
        ? `symlink ${show(link)} -> ${target} cannot be followed: ${UNFOLLOWABLE}`
        : `symlink ${show(link)} -> ${target} leads outside the context ${contextName}, to ${show(to)}: the build could copy files from outside the context into the image`;
    problems.push(at('context_path', message, linkHint));
  }
  return problems;
}
