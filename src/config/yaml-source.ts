// YAML text → plain data, keeping the way back from a field path to its line and column so every
// problem can point at the exact spot (`file:line:col`).
import {
  type Alias,
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  Parser,
  visit,
  type YAMLMap,
  YAMLParseError,
} from 'yaml';
import type { Problem } from '../errors.js';

// A build-config.yaml is a flat map a few hundred bytes long. These limits are far above any real
// file and far below what keeps kiln busy or overflows its stack on a hostile one.
/** Collections inside collections; the yaml package composes recursively and overflows below 1,000. */
export const MAX_NESTING = 16;
/** Values aliases may add: each *alias copies its anchor's value, so ten short lines can make 10⁸. */
export const MAX_ALIAS_VALUES = 1000;

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

/** The inverse of formatPath: `variants[0].name` → ['variants', 0, 'name'], to locate a problem. */
export function parseFieldPath(field: string): FieldPath {
  return field
    .split(/[.[\]]+/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
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
  const at = (offset: number) => lineCounter.linePos(offset);
  // parseDocument in two steps, to measure the nesting before the composer, which recurses once
  // per level (a few KB of "[" overflow its stack).
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== undefined) {
    const problem = {
      file,
      ...at(deep),
      message: `YAML: values are nested more than ${MAX_NESTING} levels deep`,
      hint: 'a build-config.yaml is a map of keys whose values are text, lists or one level of build_args',
    };
    return { data: undefined, problems: [problem], locate: () => at(deep), sourceOf: () => undefined };
  }
  const doc = firstDocument(tokens, text.length);

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

  // Only files with aliases pay for the pass that finds their anchors.
  let targets: Map<Alias, Node | undefined> | undefined;
  const anchorOf = (alias: Alias) => {
    targets ??= aliasTargets(doc.contents as Node | null);
    return targets.get(alias);
  };
  const keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  // One lookup table per map: a scan per located problem is quadratic on a file of many keys.
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const text = keyText(pair.key);
        if (!index.has(text)) index.set(text, pair);
      }
      keyIndex.set(map, index);
    }
    return index.get(key);
  };

  const find = (path: FieldPath): { node: Node | null; key: Node | null; depth: number } => {
    let node: Node | null = (doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    let depth = 0;
    for (const part of path) {
      if (isAlias(node)) node = anchorOf(node) ?? null;
      let next: { node: Node | null; key: Node | null } | undefined;
      if (isMap(node)) {
        const pair = pairOf(node, String(part));
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

  const report = (alias: Alias, path: FieldPath, message: string, hint: string) => {
    const { line, col } = at(alias.range?.[0] ?? 0);
    problems.push({ file, line, col, field: formatPath(path) || undefined, message, hint });
  };
  const data = problems.length > 0 ? undefined : toPlain(doc.contents as Node | null, anchorOf, report);

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

/** The offset of the first collection deeper than MAX_NESTING, walking the tokens without recursion. */
function tooDeep(tokens: CST.Token[]): number | undefined {
  const todo = tokens.map((token) => ({ token, depth: 0 }));
  let first: number | undefined;
  while (todo.length > 0) {
    const { token, depth } = todo.pop()!;
    if (token.type === 'document' && token.value) todo.push({ token: token.value, depth });
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    if (depth >= MAX_NESTING) {
      first = Math.min(first ?? token.offset, token.offset);
      continue;
    }
    for (const item of token.items) {
      if (item.key) todo.push({ token: item.key, depth: depth + 1 });
      if (item.value) todo.push({ token: item.value, depth: depth + 1 });
    }
  }
  return first;
}

/** What parseDocument returns: the first document, with an error when more follow. */
function firstDocument(tokens: CST.Token[], length: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ uniqueKeys: true }).compose(tokens, true, length)) {
    if (doc) {
      doc.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'several documents'),
      );
      break;
    }
    doc = next;
  }
  return doc!;
}

/**
 * The node each alias names: the last one before it with that anchor, as the yaml package reads
 * it. One pass; Alias.resolve(doc) walks the whole document on every call.
 */
function aliasTargets(root: Node | null): Map<Alias, Node | undefined> {
  const targets = new Map<Alias, Node | undefined>();
  const latest = new Map<string, Node>();
  visit(root, {
    Node(_, node) {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (node.anchor) latest.set(node.anchor, node);
    },
  });
  return targets;
}

type Report = (alias: Alias, path: FieldPath, message: string, hint: string) => void;

/**
 * Like doc.toJS(), except unquoted numbers keep their text: no build-config key is a number, and
 * `upstream_ref: 1.10` must stay "1.10", not become 1.1 (yq, which kaniko-builder used, keeps it).
 * Aliases are expanded here, so here they are bounded: an alias inside the value it names, and
 * expansions past MAX_ALIAS_VALUES, are reported at the alias instead.
 */
function toPlain(root: Node | null, anchorOf: (alias: Alias) => Node | undefined, report: Report): unknown {
  const path: (string | number)[] = [];
  // Collections being read → the length of their path, to name the value a recursive alias is in.
  const open = new Map<Node, number>();
  const reported = new Set<Alias>();
  let expanding: { alias: Alias; path: FieldPath } | undefined;
  let expanded = 0;
  let exhausted = false;

  const once = (alias: Alias, message: string, hint: string) => {
    if (reported.has(alias)) return;
    reported.add(alias);
    report(alias, [...path], message, hint);
  };

  const viaAlias = (alias: Alias): unknown => {
    const target = anchorOf(alias);
    // An alias without an anchor is no parse error for the yaml package.
    if (target === undefined) {
      once(alias, `YAML syntax: alias ${String(alias)} has no anchor`, 'define the &anchor before using it');
      return undefined;
    }
    if (exhausted) return undefined;
    const inside = open.get(target);
    if (inside !== undefined) {
      const named = formatPath(path.slice(0, inside)) || 'the whole file';
      once(
        alias,
        `YAML: alias ${String(alias)} is inside ${named}, the value it names`,
        'an alias can only repeat a value that ends before it; write the value out',
      );
      return undefined;
    }
    if (expanding) return plain(target);
    expanding = { alias, path: [...path] };
    const value = plain(target);
    expanding = undefined;
    return value;
  };

  const plain = (node: Node | null | undefined): unknown => {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return viaAlias(node);
    if (expanding && ++expanded > MAX_ALIAS_VALUES) {
      if (!exhausted) {
        exhausted = true;
        report(
          expanding.alias,
          expanding.path,
          `YAML: aliases expand to more than ${MAX_ALIAS_VALUES} values; ${String(expanding.alias)} passes the limit`,
          'each *alias copies the whole value of its &anchor: write the values out instead',
        );
      }
      return undefined;
    }
    if (isScalar(node)) {
      if (typeof node.value === 'number' || typeof node.value === 'bigint')
        return node.source ?? String(node.value);
      return node.value;
    }
    if (isSeq(node)) {
      open.set(node, path.length);
      const out = node.items.map((item, i) => {
        path.push(i);
        const value = plain(item as Node) ?? null;
        path.pop();
        return value;
      });
      open.delete(node);
      return out;
    }
    if (isMap(node)) {
      open.set(node, path.length);
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = keyText(pair.key);
        path.push(key);
        // defineProperty: a key "__proto__" stays a key (and an unknown one), not the prototype.
        Object.defineProperty(out, key, {
          value: plain(pair.value as Node | null) ?? null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        path.pop();
      }
      open.delete(node);
      return out;
    }
    return undefined;
  };

  return plain(root);
}

function keyText(key: unknown): string {
  if (!isScalar(key)) return String(key);
  return typeof key.value === 'number' ? (key.source ?? String(key.value)) : String(key.value);
}
