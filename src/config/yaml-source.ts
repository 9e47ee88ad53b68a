// YAML text → plain data, keeping the way back from a field path to its line and column so every
// problem can point at the exact spot (`file:line:col`).
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Problem } from '../errors.js';

export type FieldPath = readonly (string | number)[];

export interface YamlSource {
  /** Plain data; `undefined` for an empty document. Unquoted numbers stay as written (see below). */
  data: unknown;
  /** Syntax errors, each located. When there are any, `data` is undefined. */
  problems: Problem[];
  /** Line and column of the value at `path` (or of its key), falling back to the nearest parent. */
  locate(path: FieldPath, onKey?: boolean): { line: number; col: number };
  /** The text as written for the scalar at `path`, when it is one. */
  sourceOf(path: FieldPath): string | undefined;
}

/** `build_args[0]`, `build_args.KEY` — the field notation of problem lines. */
export function formatPath(path: FieldPath): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

// The yaml package's wording speaks to programmers; these speak to config authors.
const SYNTAX_MESSAGES: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'the file holds several documents ("---"); a build-config.yaml is one document',
  DUPLICATE_KEY: 'a key is set twice; keep one',
};

/** A problem at the value (or key) at `path`, in the one shape every config problem has. */
export function problemAt(
  source: YamlSource,
  file: string,
  path: FieldPath,
  message: string,
  hint?: string,
  onKey = false,
): Problem {
  const { line, col } = source.locate(path, onKey);
  return { file, line, col, field: formatPath(path) || undefined, message, ...(hint ? { hint } : {}) };
}

export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lineCounter.linePos(offset);

  const problems: Problem[] = doc.errors.map((error) => {
    const { line, col } = at(error.pos[0]);
    return {
      file,
      line,
      col,
      message: `YAML syntax: ${SYNTAX_MESSAGES[error.code] ?? error.message.split('\n')[0]}`,
      hint: 'fix the YAML syntax',
    };
  });

  const find = (path: FieldPath): { node: Node | null; key: Node | null; depth: number } => {
    let node: Node | null = (doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    let depth = 0;
    for (const part of path) {
      if (isAlias(node)) node = node.resolve(doc) ?? null;
      let next: { node: Node | null; key: Node | null } | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(part));
        if (pair) next = { node: (pair.value as Node | null) ?? null, key: pair.key as Node };
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part];
        if (item !== undefined) next = { node: item as Node, key: null };
      }
      if (!next) break;
      ({ node, key } = next);
      depth++;
    }
    return { node, key, depth };
  };

  // An alias to a missing anchor is no parse error for the yaml package; it fails when read.
  const unresolved = (alias: Node) => {
    const { line, col } = at(alias.range?.[0] ?? 0);
    problems.push({
      file,
      line,
      col,
      message: `YAML syntax: alias ${String(alias)} has no anchor`,
      hint: 'define the &anchor before using it',
    });
  };
  const data = problems.length > 0 ? undefined : toPlain(doc.contents as Node | null, doc, unresolved);

  return {
    data: problems.length > 0 ? undefined : data,
    problems,
    locate(path, onKey = false) {
      const { node, key, depth } = find(path);
      const target = onKey && depth === path.length && key ? key : (node ?? key);
      const offset = target?.range?.[0] ?? key?.range?.[0] ?? 0;
      return at(offset);
    },
    sourceOf(path) {
      const { node, depth } = find(path);
      return depth === path.length && isScalar(node) && typeof node.source === 'string'
        ? node.source
        : undefined;
    },
  };
}

/**
 * Like doc.toJS(), except unquoted numbers keep their text: no build-config key is a number, and
 * `upstream_ref: 1.10` must stay "1.10", not become 1.1 (yq, which kaniko-builder used, keeps it).
 */
function toPlain(node: Node | null | undefined, doc: Document, unresolved: (alias: Node) => void): unknown {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) unresolved(node);
    return toPlain(target as Node | undefined, doc, unresolved);
  }
  if (isScalar(node)) {
    if (typeof node.value === 'number' || typeof node.value === 'bigint')
      return node.source ?? String(node.value);
    return node.value;
  }
  if (isSeq(node)) return node.items.map((item) => toPlain(item as Node, doc, unresolved) ?? null);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      out[keyText(pair.key)] = toPlain(pair.value as Node | null, doc, unresolved) ?? null;
    }
    return out;
  }
  return undefined;
}

function keyText(key: unknown): string {
  if (!isScalar(key)) return String(key);
  return typeof key.value === 'number' ? (key.source ?? String(key.value)) : String(key.value);
}
