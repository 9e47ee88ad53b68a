// Hostile or broken build-config text: every case ends fast in located problems, never in a hang,
// a stack overflow or a wrong reading. (Through the real CLI: hostile-configs-cli.test.ts.)
import { describe, expect, test } from 'vitest';
import { MAX_BUILD_CONFIG_BYTES, parseBuildConfig } from '../../../src/config/parse-build-config.js';
import { MAX_ALIAS_VALUES, MAX_NESTING } from '../../../src/config/yaml-source.js';
import type { Problem } from '../../../src/errors.js';

const FILE = 'projects/app/build-config.yaml';
const parse = (text: string) => parseBuildConfig(text, FILE, 'app', { projectNames: ['app', 'base'] });

/** Eight short lines, each copying the one before ten times: 10⁸ values if expanded. */
const ALIAS_BOMB = [
  'use_local_context: true',
  'x0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 7 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
  '',
].join('\n');

/** A problem, timed: a hang would be the bug, so a generous bound is a correctness check. */
function problemsOf(text: string): Problem[] {
  const start = performance.now();
  const { config, problems } = parse(text);
  expect(performance.now() - start).toBeLessThan(5000);
  expect(config).toBeUndefined();
  return problems;
}

describe('parseBuildConfig: aliases', () => {
  test('an alias bomb is refused at the alias that passes the limit', () => {
    expect(ALIAS_BOMB.length).toBeLessThan(500);
    expect(problemsOf(ALIAS_BOMB)).toEqual([
      {
        file: FILE,
        line: 4,
        col: 50,
        field: 'x2[8]',
        message: `YAML: aliases expand to more than ${MAX_ALIAS_VALUES} values; *a1 passes the limit`,
        hint: 'each *alias copies the whole value of its &anchor: write the values out instead',
      },
    ]);
  });

  test.each([
    [MAX_ALIAS_VALUES - 1, []],
    [MAX_ALIAS_VALUES, ['additional_tags']],
  ])('an alias of a list of %i tags (the list counts too) → problems at %j', (count, fields) => {
    const tags = Array.from({ length: count }, (_, i) => `t${i}`).join(', ');
    const text = `use_local_context: true\nwatch_paths: &t [${tags}]\nadditional_tags: *t\n`;
    const problems = parse(text).problems.filter((p) => p.message.startsWith('YAML'));
    expect(problems.map((p) => p.field)).toEqual(fields);
  });

  test.each<[string, string, Partial<Problem>]>([
    [
      'a map that contains an alias of itself',
      'use_local_context: true\nbuild_args: &args\n  A: *args\n',
      {
        line: 3,
        col: 6,
        field: 'build_args.A',
        message: 'YAML: alias *args is inside build_args, the value it names',
      },
    ],
    [
      'a list that contains an alias of itself',
      'use_local_context: true\nplatforms: &p [linux/amd64, *p]\n',
      {
        line: 2,
        col: 29,
        field: 'platforms[1]',
        message: 'YAML: alias *p is inside platforms, the value it names',
      },
    ],
    [
      'the whole file',
      '&all\nuse_local_context: true\nbuild_args: {A: *all}\n',
      {
        line: 3,
        col: 17,
        field: 'build_args.A',
        message: 'YAML: alias *all is inside the whole file, the value it names',
      },
    ],
  ])('a recursive alias is a located problem: %s', (_, text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toEqual([
      {
        file: FILE,
        ...expected,
        hint: 'an alias can only repeat a value that ends before it; write the value out',
      },
    ]);
  });

  test('a recursive alias reached through another alias is reported once', () => {
    const problems = problemsOf('use_local_context: true\nx: &x [*x]\ny: [*x, *x]\n');
    expect(problems.map((p) => [p.line, p.field])).toEqual([[2, 'x[0]']]);
  });

  test('an alias without an anchor keeps its message, and now says where it sits', () => {
    expect(problemsOf('use_local_context: true\ntarget: *nowhere\n')).toEqual([
      {
        file: FILE,
        line: 2,
        col: 9,
        field: 'target',
        message: 'YAML syntax: alias *nowhere has no anchor',
        hint: 'define the &anchor before using it',
      },
    ]);
  });

  test('ordinary aliases still read as the values they name, numbers as written', () => {
    const { config, problems } = parse(
      'use_local_context: true\nbuild_args:\n  A: &v 1.10\n  B: *v\nadditional_tags: &t [stable]\nwatch_paths: *t\n',
    );
    expect(problems).toEqual([]);
    expect(config?.build_args).toEqual([
      { name: 'A', value: '1.10' },
      { name: 'B', value: '1.10' },
    ]);
    expect(config?.additional_tags).toEqual(['stable']);
    expect(config?.watch_paths).toEqual(['stable']);
  });

  test('problems in an aliased value point at the anchor’s text, through the alias', () => {
    const problems = parse('use_local_context: true\nx-tags: &t [bad/tag]\nadditional_tags: *t\n').problems;
    expect(problems.find((p) => p.field === 'additional_tags[0]')).toMatchObject({ line: 2, col: 13 });
  });
});

describe('parseBuildConfig: nesting', () => {
  test.each<[string, string, number, number]>([
    ['flow lists', `build_args: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, 1, 13 + MAX_NESTING - 1],
    ['compact block lists', `build_args:\n${'- '.repeat(3000)}x\n`, 2, 1 + 2 * (MAX_NESTING - 1)],
    ['flow maps', `build_args: ${'{a: '.repeat(3000)}x${'}'.repeat(3000)}\n`, 1, 13 + 4 * (MAX_NESTING - 1)],
  ])('%s nested 3,000 deep: one located problem, no stack overflow', (_, text, line, col) => {
    expect(problemsOf(`use_local_context: true\n${text}`)).toEqual([
      {
        file: FILE,
        line: line + 1,
        col,
        message: `YAML: values are nested more than ${MAX_NESTING} levels deep`,
        hint: 'a build-config.yaml is a map of keys whose values are text, lists or one level of build_args',
      },
    ]);
  });

  test(`${MAX_NESTING} levels are read (the limit is not off by one)`, () => {
    const nested = `${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}`;
    const problems = parse(`use_local_context: true\nbuild_args: ${nested}\n`).problems;
    expect(problems.map((p) => p.field)).toEqual(['build_args[0]']);
  });
});

describe('parseBuildConfig: size', () => {
  test('text over the cap is refused before parsing, with its size and the cap', () => {
    const text = `use_local_context: true\n#${'-'.repeat(MAX_BUILD_CONFIG_BYTES - 1)}`;
    expect(problemsOf(text)).toEqual([
      {
        file: FILE,
        message: `the file is ${(MAX_BUILD_CONFIG_BYTES + 24).toLocaleString('en-US')} bytes; a build-config.yaml may be at most 65,536 bytes (64 KiB)`,
        hint: 'a build-config.yaml is a few hundred bytes: check that this is the file you meant to commit',
      },
    ]);
  });

  test('the cap counts bytes, not characters', () => {
    const text = `use_local_context: true\ntarget: "${'é'.repeat(MAX_BUILD_CONFIG_BYTES / 2)}"\n`;
    expect(text.length).toBeLessThan(MAX_BUILD_CONFIG_BYTES);
    expect(problemsOf(text)[0]?.message).toMatch(/^the file is 65,\d{3} bytes;/);
  });

  test('a file of exactly the cap is read', () => {
    const head = 'use_local_context: true\n';
    const text = head + '#'.repeat(MAX_BUILD_CONFIG_BYTES - head.length - 1) + '\n';
    expect(Buffer.byteLength(text)).toBe(MAX_BUILD_CONFIG_BYTES);
    expect(parse(text).problems).toEqual([]);
  });
});

describe('parseBuildConfig: keys that are not keys', () => {
  test('__proto__ is an unknown key, not the prototype of the data', () => {
    const problems = parse('__proto__: {upstream_repo: x}\nuse_local_context: true\n').problems;
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [1, '__proto__', 'unknown key "__proto__"'],
    ]);
  });
});
