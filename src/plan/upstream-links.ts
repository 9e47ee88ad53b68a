// Kaniko clones an upstream inside its executor, after the job's script has run, so the job cannot
// look at the clone's symlinks the way the buildah job does (builders/context-guard.ts). The prepare
// job looks instead, at the commit the executor will check out: a depth-1, blobless fetch of the
// pinned commit (its trees only), then the blobs of its symlinks alone, which hold their targets.
// The rules are the local contexts' (config/context-links.ts), on the tree as Kaniko lays it out:
// cloned into /kaniko/buildcontext (kaniko pkg/config/init.go), the context --context-sub-path
// inside it. A link there to /kaniko/.docker would put the job's registry credentials in the image.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import {
  type EntryKind,
  type EscapingLink,
  type LinkFs,
  type LinkSource,
  linkProblems,
} from '../config/context-links.js';
import type { Env } from '../context.js';
import { KilnError, type Problem } from '../errors.js';
import { tryGitBytes } from '../git/run-git.js';
import type { Project } from '../types.js';
import { credentialEnv, type RemoteGitOptions, remoteGit } from './pin-sources.js';
import { located } from './resolve-ref.js';
import type { PinnedSource } from './types.js';

/** Where Kaniko clones a git context. */
export const KANIKO_CLONE_DIR = '/kaniko/buildcontext';
/** Symlink blobs asked for per fetch: one round trip each, and an argv well under ARG_MAX. */
const BLOBS_PER_FETCH = 1000;
/** A symlink's target is a path: Linux refuses longer ones (PATH_MAX). */
const MAX_TARGET_BYTES = 4096;

interface TreeEntry {
  kind: EntryKind;
  oid: string;
}

/** One commit's tree, as `git ls-tree -r -t -z --full-tree` lists it, mounted at KANIKO_CLONE_DIR. */
export class TreeFs implements LinkFs {
  private readonly entries = new Map<string, TreeEntry>();
  private readonly children = new Map<string, { name: string; kind: EntryKind }[]>([[KANIKO_CLONE_DIR, []]]);
  private readonly targets = new Map<string, string>();

  constructor(lsTree: string) {
    for (const record of lsTree.split('\0')) {
      if (record === '') continue;
      const tab = record.indexOf('\t');
      const [mode, , oid] = record.slice(0, tab).split(' ');
      // A submodule (160000) is a folder whose files Kaniko does not clone by default.
      const kind: EntryKind =
        mode === '040000' || mode === '160000' ? 'dir' : mode === '120000' ? 'link' : 'other';
      const full = path.posix.join(KANIKO_CLONE_DIR, record.slice(tab + 1));
      this.entries.set(full, { kind, oid: oid ?? '' });
      if (kind === 'dir') this.children.set(full, []);
      this.children.get(path.posix.dirname(full))?.push({ name: path.posix.basename(full), kind });
    }
  }

  /** The blob ids of every symlink in the tree. */
  linkBlobs(): string[] {
    return [...this.entries.values()].filter((e) => e.kind === 'link').map((e) => e.oid);
  }

  setTarget(oid: string, target: string): void {
    this.targets.set(oid, target);
  }

  kind(p: string): EntryKind | undefined {
    // The clone folder and its parents (/kaniko) are folders; nothing else outside it is known.
    if (KANIKO_CLONE_DIR === p || KANIKO_CLONE_DIR.startsWith(`${p}/`)) return 'dir';
    return this.entries.get(p)?.kind;
  }

  readlink(p: string): string {
    const target = this.targets.get(this.entries.get(p)?.oid ?? '');
    if (target === undefined) throw new Error(`no target read for symlink ${p}`);
    return target;
  }

  list(dir: string): { name: string; kind: EntryKind }[] | undefined {
    return this.children.get(dir);
  }
}

export interface UpstreamLinksOptions extends RemoteGitOptions {
  /** The upstream projects that Kaniko builds. */
  projects: Project[];
  pinned: Record<string, PinnedSource>;
  env: Env;
  concurrency?: number;
}

/** Reads `<oid> blob <size>\n<bytes>\n` records from `git cat-file --batch`. */
function parseBatch(out: Buffer, tree: TreeFs): void {
  let at = 0;
  while (at < out.length) {
    const newline = out.indexOf(10, at);
    if (newline < 0) break;
    const [oid, type, size] = out.subarray(at, newline).toString('utf8').split(' ');
    if (type !== 'blob') throw new Error(`symlink blob ${oid} is missing after the fetch`);
    const length = Number(size);
    if (length > MAX_TARGET_BYTES) throw new Error(`symlink blob ${oid} holds ${length} bytes, not a path`);
    tree.setTarget(oid ?? '', out.subarray(newline + 1, newline + 1 + length).toString('utf8'));
    at = newline + 1 + length + 1;
  }
}

/** The pinned commit's tree with its symlinks' targets, fetched into a scratch repository. */
async function fetchTree(source: PinnedSource, options: UpstreamLinksOptions): Promise<TreeFs> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'kiln-tree-'));
  try {
    const auth = source.auth ? credentialEnv(source.url, source.auth, options.env, options.log) : {};
    const git = (args: string[], what: string) => remoteGit(args, what, auth, { ...options, cwd: scratch });
    await git(['init', '--quiet', '--bare'], 'git init');
    await git(['remote', 'add', 'origin', '--', source.url], 'git remote add');
    const fetch = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--filter=blob:none'];
    await git([...fetch, '--depth=1', 'origin', source.sha], `git fetch ${source.url} ${source.sha}`);
    const tree = new TreeFs(
      await git(['ls-tree', '-r', '-t', '-z', '--full-tree', source.sha], 'git ls-tree'),
    );
    const blobs = [...new Set(tree.linkBlobs())];
    for (let i = 0; i < blobs.length; i += BLOBS_PER_FETCH) {
      const chunk = blobs.slice(i, i + BLOBS_PER_FETCH);
      await git([...fetch, 'origin', ...chunk], `git fetch ${source.url} (symlink targets)`);
    }
    if (blobs.length > 0) {
      const read = await tryGitBytes(['cat-file', '--batch'], {
        cwd: scratch,
        input: `${blobs.join('\n')}\n`,
      });
      if (read.exitCode !== 0) throw new Error(read.stderr.trim() || 'git cat-file failed');
      parseBatch(read.stdout, tree);
    }
    return tree;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function problemsOf(
  project: Project,
  source: PinnedSource,
  tree: TreeFs,
  scans: Map<string, EscapingLink[]>,
) {
  const at = `upstream ${source.url} at ${source.sha.slice(0, 12)}: `;
  const src: LinkSource = {
    fs: tree,
    root: KANIKO_CLONE_DIR,
    rootName: "the upstream's root",
    source: KANIKO_CLONE_DIR,
    sourceName: "the upstream's clone",
    prefix: at,
    hints: {
      context: "set context_path to the upstream's folder itself, not a symlink that leaves the clone",
      dockerfile: (contextName) => `set dockerfile_path to a Dockerfile inside ${contextName}, not a symlink`,
      link: `Kaniko would follow it out of the clone (where /kaniko holds the job's registry credentials): pin an upstream_ref without it, set context_path to a folder without it, or build with buildah, whose job refuses it too`,
    },
  };
  return linkProblems(src, project, path.posix.join(KANIKO_CLONE_DIR, project.config.context_path), scans);
}

/**
 * Checks the symlinks of every upstream Kaniko builds, at its pinned commit, once per upstream and
 * commit; throws one PLAN_INVALID error listing every problem (file, field, link, upstream).
 */
export async function checkUpstreamLinks(options: UpstreamLinksOptions): Promise<void> {
  const limit = pLimit(options.concurrency ?? 8);
  const trees = new Map<string, Promise<TreeFs | Error>>();
  const problems: Problem[] = [];
  const checks = options.projects.map(async (project) => {
    const source = options.pinned[project.name];
    if (!source) return;
    const key = `${source.url}\n${source.sha}`;
    let tree = trees.get(key);
    if (!tree) {
      tree = limit(() =>
        fetchTree(source, options).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
      );
      trees.set(key, tree);
    }
    const read = await tree;
    if (read instanceof Error) {
      const message = `cannot read the tree of ${source.url} at ${source.sha} to check its symlinks (project ${project.name}): ${options.log.mask(read.message)}`;
      problems.push(
        located(
          project.file,
          'upstream_repo',
          message,
          'the upstream must serve a commit by its SHA (git protocol v2, as GitHub and GitLab do)',
        ),
      );
      return;
    }
    problems.push(...problemsOf(project, source, read, new Map()));
  });
  await Promise.all(checks);
  if (problems.length > 0) {
    throw new KilnError('PLAN_INVALID', 'symlinks in an upstream lead its build context out of it', {
      problems: problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '')),
    });
  }
}
