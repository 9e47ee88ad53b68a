// depends_on and watch_paths of a build-config.yaml, read without the yaml library. Selection reads
// every project's config, and in a cold process the yaml library costs ~0.25 ms per file, the
// largest part of `kiln plan --selection-only`; this line reader costs about a tenth of that.
// It answers only for a small, common subset of YAML and returns undefined for anything else, so
// the caller falls back to the real parser (parseBuildConfig). Soundness over reach: when it
// answers, the answer equals what the yaml library reads from an error-free document.

export interface SelectionKeys {
  depends_on: string[];
  watch_paths: string[];
}

type SelectionKey = keyof SelectionKeys;

/**
 * Tabs, BOMs, lone carriage returns and Unicode line separators are legal in places; refusing them
 * all is simpler than knowing which. Document markers and directives change what the text means.
 */
const REFUSED_TEXT = /[\t\uFEFF\u2028\u2029]|\r(?!\n)|^(?:---|\.\.\.|%)/m;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
/** A blank line or a comment; also a key's empty value (the text after `key:`). */
const NOTHING = /^ *(?:#.*)?$/;
const FLOW_VALUE = /^ *\[([^\]]*)\] *(?: #.*)?$/;
const ITEM_LINE = /^( *)- +(.*?) *(?: #.*)?$/;
/** A letter first (after an optional dot) rules out most numbers, `~`, aliases, tags and quotes. */
const PLAIN_STRING = /^\.?[A-Za-z_][A-Za-z0-9._/*?-]*$/;
/** The other plain scalars that the core schema does not read as strings. */
const NOT_STRINGS = new Set([
  ...['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'],
  ...['.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN'],
]);
/**
 * Every line the walk in isSelfContained could refuse has one of these: a quote or bracket, or a
 * property, alias or `?` where a node may start (always after a space or at the line start).
 */
const MAY_OPEN = /['"[\]{}]|(?:^| )[&!*?]/;

/**
 * The two keys as the yaml library reads them (absent, empty and `[]` all give []), or undefined
 * when the text is outside the subset this reader is sure about.
 */
export function readSelectionKeys(text: string): SelectionKeys | undefined {
  if (REFUSED_TEXT.test(text)) return undefined;
  const lines = text.split(/\r?\n/);
  // A line that runs on into the next one (a quoted scalar or flow collection) could hide a
  // column-0 `depends_on:` line from the real parser.
  if (!lines.every(isSelfContained)) return undefined;

  const found: Partial<SelectionKeys> = {};
  const keys = new Set<string>();
  let indentedAllowed = false; // inside another key's value
  let columnZeroItemsAllowed = false; // another key's `key:\n- item` sequence
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith(' ') && indentedAllowed) continue;
    if (NOTHING.test(line)) continue;
    if (line.startsWith(' ')) return undefined;
    if (/^-(?: |$)/.test(line)) {
      if (!columnZeroItemsAllowed) return undefined;
      continue;
    }
    const [, key, rest = ''] = KEY_LINE.exec(line) ?? [];
    if (key === undefined || keys.has(key)) return undefined; // the real parser reports duplicates
    keys.add(key);
    indentedAllowed = key !== 'depends_on' && key !== 'watch_paths';
    columnZeroItemsAllowed = indentedAllowed && NOTHING.test(rest);
    if (indentedAllowed) continue;

    const flow = FLOW_VALUE.exec(rest);
    if (flow) {
      const inside = flow[1] as string;
      // Only spaces are YAML whitespace (String.trim would also drop a no-break space, a string).
      const values = /^ *$/.test(inside) ? [] : inside.split(',').map((item) => item.replace(/^ +| +$/g, ''));
      if (!values.every(isPlainString)) return undefined;
      found[key as SelectionKey] = values;
    } else if (NOTHING.test(rest)) {
      const sequence = readBlockSequence(lines, i + 1);
      if (!sequence) return undefined;
      found[key as SelectionKey] = sequence.items;
      i = sequence.next - 1;
    } else {
      return undefined;
    }
  }
  return { depends_on: found.depends_on ?? [], watch_paths: found.watch_paths ?? [] };
}

/**
 * `- item` lines from `start`, all at one indentation, with blank and comment lines between. Stops
 * before the first other line; the caller refuses it unless it is at column 0.
 */
function readBlockSequence(lines: string[], start: number): { items: string[]; next: number } | undefined {
  const items: string[] = [];
  let indent: number | undefined;
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (NOTHING.test(line)) continue;
    const [, spaces, item] = ITEM_LINE.exec(line) ?? [];
    if (spaces === undefined || item === undefined) break;
    indent ??= spaces.length;
    if (spaces.length !== indent || !isPlainString(item)) return undefined;
    items.push(item);
  }
  return { items, next: i };
}

function isPlainString(item: string): boolean {
  return PLAIN_STRING.test(item) && !NOT_STRINGS.has(item);
}

/**
 * Whether the line closes every quote and bracket it opens, read the way YAML reads it: a quote or
 * bracket opens only where a node starts (line start, after `- `, `: `, `[`, `{` or `,`); inside
 * a plain scalar a quote is text, and so is a bracket outside flow collections. Where the reading
 * depends on more than this walk knows (a bracket inside a plain scalar in a flow collection, an
 * anchor, tag or alias before a node, text after a closing quote or bracket), the line is refused.
 */
function isSelfContained(line: string): boolean {
  if (!MAY_OPEN.test(line)) return true; // most lines; the walk is the reader's slowest part
  const brackets: string[] = [];
  let at: 'node' | 'plain' | 'closed' = 'node'; // closed: just after a quoted scalar or a `]`/`}`
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    const next = line[i + 1] ?? ' ';
    if (c === ' ') continue;
    if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
    const inFlow = brackets.length > 0;
    // Only ` #` (above) and `: ` end a plain scalar outside flow collections.
    if (c === ':' && (next === ' ' || (inFlow && ',]}'.includes(next)))) at = 'node';
    else if (at === 'plain' && !inFlow) continue;
    else if (c === ',' && inFlow) at = 'node';
    else if (c === ']' || c === '}') {
      if (brackets.pop() !== (c === ']' ? '[' : '{')) return false;
      at = 'closed';
    } else if (at === 'closed') return false;
    else if (at === 'plain') {
      if (c === '[' || c === '{') return false;
    } else if (c === '[' || c === '{') brackets.push(c);
    else if (c === "'" || c === '"') {
      i = closingQuote(line, i);
      if (i < 0) return false;
      at = 'closed';
    } else if ('&!*'.includes(c) || (c === '?' && next === ' ')) return false;
    else if (!(c === '-' && next === ' ' && brackets.length === 0)) at = 'plain';
  }
  return brackets.length === 0;
}

/** Index of the quote closing the one at `open`, or -1 when it is not on this line. */
function closingQuote(line: string, open: number): number {
  const quote = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
