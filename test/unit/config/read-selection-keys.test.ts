// readSelectionKeys answers only when it is sure: every answer must equal the yaml library's reading.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { readSelectionKeys, type SelectionKeys } from '../../../src/config/read-selection-keys.js';

/** What the yaml library reads; 'error' for a document with errors (no answer is wrong then). */
function yamlReading(text: string): SelectionKeys | 'error' | 'not a map' {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) return 'error';
  let data: unknown;
  try {
    data = doc.toJS();
  } catch {
    return 'error'; // an alias without an anchor: an error for kiln, not for parseDocument
  }
  if (data === null || data === undefined) return { depends_on: [], watch_paths: [] };
  if (typeof data !== 'object' || Array.isArray(data)) return 'not a map';
  const map = data as Record<string, unknown>;
  return { depends_on: (map.depends_on ?? []) as string[], watch_paths: (map.watch_paths ?? []) as string[] };
}

const none = { depends_on: [], watch_paths: [] };

describe('readSelectionKeys', () => {
  test.each<[string, string, Partial<SelectionKeys>]>([
    ['no keys', 'upstream_repo: https://github.com/a/b.git\nupstream_ref: v1\n', {}],
    ['empty file', '', {}],
    ['comments only', '# nothing here\n', {}],
    ['flow', 'depends_on: [base, tools]\n', { depends_on: ['base', 'tools'] }],
    [
      'flow without spaces, with a comment',
      'depends_on: [base,tools] # why\n',
      { depends_on: ['base', 'tools'] },
    ],
    ['flow with spaces around items', 'depends_on: [ base , tools ]', { depends_on: ['base', 'tools'] }],
    ['empty flow', 'depends_on: []\nwatch_paths: [ ]\n', {}],
    ['empty value (null)', 'depends_on:\nwatch_paths: # none yet\n', {}],
    [
      'indented block sequence',
      'watch_paths:\n  - src/**\n  - package.json\n',
      { watch_paths: ['src/**', 'package.json'] },
    ],
    [
      'block sequence at column 0',
      'depends_on:\n- base\n- tools\nplatforms: [linux/amd64]\n',
      { depends_on: ['base', 'tools'] },
    ],
    [
      'blank and comment lines inside a sequence',
      'depends_on: # mine\n  - base # first\n\n  # it\'s "here"\n  - tools\n',
      { depends_on: ['base', 'tools'] },
    ],
    [
      'CRLF line ends',
      'depends_on:\r\n  - base\r\nwatch_paths: [a/*.go]\r\n',
      { depends_on: ['base'], watch_paths: ['a/*.go'] },
    ],
    [
      'dot files (a dot and a letter is no number)',
      'watch_paths: [.dockerignore, .github/**, .infx, .e5]',
      { watch_paths: ['.dockerignore', '.github/**', '.infx', '.e5'] },
    ],
    [
      'words other schemas read as booleans',
      'depends_on: [yes, no, on, off, NaN, e5, _1]',
      { depends_on: ['yes', 'no', 'on', 'off', 'NaN', 'e5', '_1'] },
    ],
    [
      'among other keys, quoted values with brackets and #',
      [
        'target: "a [ # b"',
        "context_path: 'it''s { here'",
        'build_args:',
        '  A: "1"',
        "  B: 'depends_on: [x]'",
        'platforms: [linux/amd64, linux/arm64]',
        'depends_on: [base]',
        'additional_tags:',
        '- latest',
        'watch_paths:',
        '  - shared/**',
      ].join('\n'),
      { depends_on: ['base'], watch_paths: ['shared/**'] },
    ],
    [
      'block scalars of other keys, even with key-like content',
      'notes: |\n  depends_on: [hidden]\n  more\ndescription: >-\n  folded\n\ndepends_on: [base]\n',
      { depends_on: ['base'] },
    ],
    [
      'quotes and brackets inside plain scalars (text, not openers)',
      'build_args:\n  - X="a b"\n  - B=[x\ntarget: a \'b # c\'\ndepends_on: [base]',
      { depends_on: ['base'] },
    ],
    ['a comment line between the key and its items', 'depends_on:\n  # c\n- base', { depends_on: ['base'] }],
    [
      'a map of other keys',
      'build_args:\n  depends_on: [nested]\ndepends_on: [base]',
      { depends_on: ['base'] },
    ],
  ])('reads %s', (_, text, expected) => {
    const want = { ...none, ...expected };
    expect(readSelectionKeys(text)).toEqual(want);
    expect(yamlReading(text)).toEqual(want);
  });

  // Each of these is a text a naive line regex would misread; the reader leaves them to the parser.
  test.each<[string, string]>([
    ['an anchor', 'depends_on: &deps [base]'],
    ['an alias', 'x: &deps [base]\ndepends_on: *deps'],
    ['a tag', 'depends_on: !!seq [base]'],
    ['a quoted item', 'depends_on: ["base"]'],
    ['a quoted block item', "depends_on:\n  - 'base'"],
    ['a number item', 'depends_on: [1.10]'],
    ['a boolean item', 'depends_on: [true]'],
    ['a null item', 'depends_on:\n  - Null'],
    ['a ~ item', 'depends_on: [~]'],
    ['an infinity item', 'watch_paths: [.inf]'],
    ['a not-a-number item', 'watch_paths:\n  - .NaN'],
    ['an empty block item', 'depends_on:\n  -\n  - base'],
    ['a scalar', 'depends_on: base'],
    ['a trailing comma', 'depends_on: [base,]'],
    ['an item with a space', 'depends_on: [a b]'],
    ['an item with a no-break space', 'depends_on: [a\u00a0b]'],
    ['a lone no-break space', 'depends_on: [\u00a0]'],
    ['a comment inside the brackets', 'depends_on: [base # c\n  ]'],
    ['a multi-line flow sequence', 'depends_on: [base,\n  tools]'],
    ['a multi-line flow value of another key hiding a key', 'build_args: [A=1,\ndepends_on: [x]]'],
    ['a multi-line quoted scalar hiding a key', 'target: "a\ndepends_on: [x]\n  b"'],
    ['a quote in a plain scalar before a quoted one', "args: [a'b, 'c]\ndepends_on: [x]\n']"],
    ['an anchor before a multi-line quoted scalar', "target: &t 'a\ndepends_on: [x]\n  '"],
    ['a quoted scalar after a plain one in a flow sequence', "args: [a 'b, 'c]\ndepends_on: [x]\n  ']"],
    ['a multi-line flow sequence holding the key', 'args: [a,\n  depends_on: [b]]\ndepends_on: [x]'],
    ['a duplicate key', 'depends_on: [a]\ndepends_on: [b]'],
    ['a duplicate of another key (an error the parser reports)', 'target: a\ndepends_on: [b]\ntarget: c'],
    ['a document marker', '---\ndepends_on: [base]'],
    ['a directive', '%YAML 1.1\n---\ndepends_on: [yes]'],
    ['a second document', 'depends_on: [a]\n---\ndepends_on: [b]'],
    ['a tab', 'depends_on:\n\t- base'],
    ['a BOM', '\uFEFFdepends_on: [base]'],
    ['a lone carriage return', 'x: 1\rdepends_on: [base]'],
    ['a Unicode line separator', 'x: 1\u2028depends_on: [base]'],
    ['a nested map under the key', 'depends_on:\n  base: true'],
    ['a deeper item (a multi-line plain scalar)', 'depends_on:\n- base\n  - tools'],
    ['items at two indentations', 'depends_on:\n  - base\n- tools'],
    ['an indented line after a flow value', 'depends_on: [base]\n  - tools'],
    ['a quoted key', '"depends_on": [base]'],
    ['a complex key', '? depends_on\n: [base]'],
    ['a merge key', 'x: &x {depends_on: [a]}\n<<: *x'],
    ['a flow map', 'depends_on: {a: b}'],
    ['a mapping indented as a whole', '  depends_on: [base]'],
    ['a comment right after the brackets', 'depends_on: [base]#x'],
  ])('leaves %s to the parser', (_, text) => {
    expect(readSelectionKeys(text)).toBeUndefined();
  });

  test('agrees with yaml on every build-config.yaml in projects/ and every YAML fixture', () => {
    const files = readdirSync('projects', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `projects/${entry.name}/build-config.yaml`);
    const fixtures = readdirSync('test/fixtures', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => `test/fixtures/${file}`);
    let answered = 0;
    for (const file of [...files, ...fixtures]) {
      const text = readFileSync(file, 'utf8');
      const read = readSelectionKeys(text);
      if (read === undefined) continue;
      answered++;
      const reading = yamlReading(text);
      if (reading !== 'error') expect(read, file).toEqual(reading);
    }
    expect(answered).toBeGreaterThan(files.length);
  });
});

// Documents from fragments: the accepted forms of both keys with safe or odd items, other keys
// whose values look like the keys, and lines that are easy to misread. Plausible documents use
// safe items and well-formed lines only; hostile ones add odd items, tricky lines, duplicates and
// one inserted character.
const safeItem = fc.constantFrom(
  'base',
  'tools',
  'src/**',
  'scripts/build.mjs',
  'a-b',
  '_x',
  'x.go',
  'a?',
  'b*',
  '.dockerignore',
);
const oddItem = fc.oneof(
  fc.constantFrom(
    'true',
    'False',
    '.inf',
    '.NaN',
    '.5',
    '.e5',
    'NULL',
    'null',
    '~',
    '1',
    '1.10',
    '0x1f',
    '.inf',
    '-a',
    '*a',
    '&a b',
    '!!str a',
  ),
  fc.constantFrom(
    "'a'",
    '"b"',
    'a b',
    'a #b',
    'a#b',
    'a:b',
    'a: b',
    '[a]',
    '{a: b}',
    '',
    ' ',
    '\u00a0',
    'yes',
  ),
  fc.string({ unit: fc.constantFrom(...'aZ_0.-/*?:#\'" [],{}&!|>\u00a0'), maxLength: 6 }),
);
const comment = fc.constantFrom('', '', '', ' # c', " # it's [", '  #');
const oddComment = fc.constantFrom('#x', ' #', ' # "', " #'");
const indent = fc.constantFrom('', '  ', '  ', '    ', ' ');
const separator = fc.constantFrom(',', ', ', ' , ', ',  ');

function selectionKey(key: fc.Arbitrary<string>, item: fc.Arbitrary<string>, note: fc.Arbitrary<string>) {
  const flow = fc
    .tuple(key, fc.array(item, { maxLength: 4 }), separator, fc.constantFrom('', '', ' '), note)
    .map(([k, items, sep, trail, c]) => `${k}: [${items.join(sep)}${trail}]${c}`);
  const between = fc.constantFrom('', '', '', ' ', '\n', '\n# x', '\n  # y');
  const block = fc
    .tuple(key, note, indent, fc.array(fc.tuple(item, note, between), { maxLength: 4 }))
    .map(([k, c, ind, items]) =>
      [`${k}:${c}`, ...items.map(([it, ic, extra]) => `${ind}- ${it}${ic}${extra}`)].join('\n'),
    );
  return fc.oneof({ weight: 4, arbitrary: flow }, { weight: 4, arbitrary: block });
}
const oddSelectionKey = fc.oneof(
  selectionKey(
    fc.constantFrom('depends_on', 'watch_paths', 'Depends_on', '"depends_on"', 'depends_on '),
    oddItem,
    oddComment,
  ),
  fc
    .tuple(fc.constantFrom('depends_on', 'watch_paths'), fc.oneof(safeItem, oddItem))
    .map(([k, it]) => `${k}: ${it}`),
  fc
    .tuple(
      fc.constantFrom('depends_on', 'watch_paths'),
      fc.constantFrom('&a', '!!seq', '*a', '|', '{}', '&a [x]'),
    )
    .map(([k, v]) => `${k}: ${v}`),
);

const otherKey = fc.constantFrom(
  'platforms: [linux/amd64, linux/arm64]',
  'use_local_context: true',
  'upstream_repo: https://github.com/a/b.git',
  'build_args:\n  - A=1\n  - B="x # y"',
  'build_args:\n- A=1\n- B=[x]',
  'build_args:\n  A: "1"\n  B: \'[x\'',
  'target: "depends_on: [evil]"',
  "target: 'it''s # [not] a comment'",
  'notes: |\n  line\n  depends_on: [hidden]\n',
  'notes: >-\n  folded\n\n  - more',
  'nested:\n  depends_on: [inner]\n  watch_paths:\n    - inner/**',
  'empty:',
  'context_path: "a\\"b # c"',
  'dockerfile_path: {a: [b, "c]"], d: \'e}\'}',
  'local_context: x # y: [z',
  'build_args:\n  - X="a b"\n  - Y=\'c\'\n  - Z={d}',
);
const trickyLine = fc.constantFrom(
  '- B=[x]: y',
  'target: a b: c',
  'anchor: &a [x]',
  'aliased: &b [y]\nalias: *b',
  'depends_on: [base,]',
  'watch_paths: [src/**, ]',
  'target: "multi\ndepends_on: [hidden]\n  end"',
  "target: 'multi\ndepends_on: [hidden]'",
  'args: [a,\ndepends_on: [x]]',
  "args: [a'b, 'c]\ndepends_on: [x]\n  ']",
  "args:\n- a'b: 'c\ndepends_on: [x]\n  '",
  'plain: a\n  b\ndepends_on: [x]',
  "notes: >-\n  it's\n\n  more",
  '---',
  '...',
  '%YAML 1.1\n---',
  '? depends_on\n: [x]',
  '<<: {depends_on: [x]}',
  '- stray',
  '  indented: 1',
  '\tfoo: 1',
  'x: 1\r',
  'key:value',
  '"depends_on": [x]',
);
const fillerLine = fc.constantFrom('', '# comment', '  # it\'s "quoted" [', '   ');
const insertion = fc.tuple(fc.nat(), fc.constantFrom(...' \n-:#\'"[]{},&*!|>?\t%\u00a0'));

function documentOf(
  item: fc.Arbitrary<string>,
  odd: fc.Arbitrary<string | null>,
  insertions: fc.Arbitrary<[number, string][]>,
) {
  return fc
    .tuple(
      fc.option(selectionKey(fc.constant('depends_on'), item, comment), { freq: 5 }),
      fc.option(selectionKey(fc.constant('watch_paths'), item, comment), { freq: 5 }),
      fc.uniqueArray(otherKey, { maxLength: 4, selector: (line) => line.split(':')[0] }),
      fc.array(fillerLine, { maxLength: 2 }),
      odd,
    )
    .chain(([deps, watch, others, fillers, extra]) => {
      const parts = [deps, watch, ...others, ...fillers, extra].filter((part) => part !== null);
      return fc.tuple(
        fc.shuffledSubarray(parts, { minLength: parts.length }),
        fc.constantFrom('\n', '\n', '\r\n'),
        fc.boolean(),
        insertions,
      );
    })
    .map(([parts, eol, finalEol, inserted]) => {
      let text = parts.join('\n') + (finalEol ? '\n' : '');
      for (const [at, char] of inserted) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + char + text.slice(i);
      }
      return text.replaceAll('\n', eol);
    });
}
const plausible = documentOf(safeItem, fc.constant(null), fc.constant([]));
const hostile = documentOf(
  fc.oneof({ weight: 3, arbitrary: safeItem }, oddItem),
  fc.option(fc.oneof(trickyLine, oddSelectionKey), { freq: 3 }),
  fc.oneof(fc.constant<[number, string][]>([]), fc.array(insertion, { minLength: 1, maxLength: 3 })),
);

describe('readSelectionKeys (property, against the yaml library)', () => {
  test('every answer equals what yaml reads from an error-free document; most plausible documents get one', () => {
    const runs = { plausible: 0, hostile: 0 };
    const answered = { plausible: 0, hostile: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          plausible.map((text) => ['plausible', text] as const),
          hostile.map((text) => ['hostile', text] as const),
        ),
        ([kind, text]) => {
          runs[kind]++;
          const read = readSelectionKeys(text);
          const reading = yamlReading(text);
          if (read !== undefined && reading !== 'error') {
            answered[kind]++;
            expect(read).toEqual(reading);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(answered.plausible / runs.plausible).toBeGreaterThanOrEqual(0.6);
    expect((answered.plausible + answered.hostile) / (runs.plausible + runs.hostile)).toBeGreaterThanOrEqual(
      0.3,
    );
  });
});
