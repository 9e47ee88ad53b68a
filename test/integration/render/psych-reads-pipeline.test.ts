// What GitLab reads from kiln's child pipeline, read with Ruby's Psych (YAML 1.1) itself: a config
// value cannot open a job of its own (issue 15, finding 1), and every string kiln writes stays a
// string for GitLab (finding 6). kiln's own YAML parser is no proof of either.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { parseBuildConfig } from '../../../src/config/parse-build-config.js';
import { stringifyForGitLab } from '../../../src/render/gitlab-yaml.js';
import { childPipeline, renderChildPipeline } from '../../../src/render/render-child-pipeline.js';
import { asPsychTyped, psychLoad, psychLoadAll } from '../../harness/psych.js';
import { planOf, project } from '../../unit/plan/fixtures.js';

const BREAKS: [string, string][] = [
  ['U+2028', '\u2028'],
  ['U+2029', '\u2029'],
  ['U+0085', '\u0085'],
];
// No ": " inside, so a YAML 1.2 writer sees no reason to quote it; the separators do the rest.
const injected = (sep: string) =>
  `x${sep}evil:${sep}  image:${sep}    attacker/image${sep}  script:${sep}    - id`;

describe('a line separator in a value', () => {
  test.each(BREAKS)('%s: the yaml library alone lets Psych read another job (the hole)', (_name, sep) => {
    // The reproduction of finding 1, kept so the test shows what the writer guards against.
    const text = stringify(
      { build: { script: [`/kaniko/executor --build-arg 'A=${injected(sep)}'`] } },
      { lineWidth: 0 },
    );
    const read = psychLoad(text) as Record<string, unknown>;
    if (sep === '\u0085') {
      // NEL survives as a silently changed value instead.
      expect((read['build'] as { script: string[] }).script[0]).not.toContain(injected(sep));
    } else {
      expect(Object.keys(read)).toContain('evil');
    }
  });

  test.each(BREAKS)('%s in a build arg: kiln refuses it at validation', (_name, sep) => {
    const text = `upstream_repo: https://example.com/a.git\nupstream_ref: main\nbuild_args:\n  - "A=${sep === '\u0085' ? '\\N' : sep === '\u2028' ? '\\L' : '\\P'}x"\n`;
    const result = parseBuildConfig(text, 'projects/app/build-config.yaml', 'app');
    expect(result.problems.map((p) => `${p.line}:${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(/^4:build_args\[0\]: value of A must not contain U\+(2028|2029|0085)/),
    ]);
  });

  test.each(['dockerfile_path', 'context_path', 'upstream_ref', 'upstream_repo'])(
    'U+2028 in %s: refused at validation with its line',
    (key) => {
      const values: Record<string, string> = {
        upstream_repo: 'https://example.com/a.git',
        upstream_ref: 'main',
        [key]: key === 'upstream_repo' ? 'https://example.com/a\\L.git' : 'a\\Lb',
      };
      const text = Object.entries(values)
        .map(([k, v]) => `${k}: "${v}"`)
        .join('\n');
      const result = parseBuildConfig(text, 'projects/app/build-config.yaml', 'app');
      expect(result.problems.map((p) => p.field)).toEqual([key]);
      expect(result.problems[0]?.line).toBe(Object.keys(values).indexOf(key) + 1);
    },
  );

  test.each(BREAKS)("%s anywhere: kiln's writer keeps it inside its value, byte for byte", (_name, sep) => {
    // Validation is one guard; the writer is the other, for any character at all.
    const plan = planOf([project('app', { build_args: [{ name: 'A', value: injected(sep) }] })]);
    const text = renderChildPipeline(plan);
    expect(text).not.toContain(sep);
    const read = psychLoad(text);
    expect(read).toEqual(asPsychTyped(childPipeline(plan)));
    expect(Object.keys(read as object)).not.toContain('evil');
  });
});

describe('strings stay strings for GitLab (YAML 1.1 retyping)', () => {
  const RETYPED = [
    'yes',
    'No',
    'off',
    'ON',
    'y',
    'n',
    'true',
    'null',
    '~',
    '1_000',
    '1,000',
    '1:20',
    '0x1F',
    '012',
    '0b101',
    '2026-11-23',
    '2026-11-23 10:00:00',
    '.inf',
    '-.5',
    '+1',
    '1e3',
    ':symbol',
    '<<',
    '=',
  ];

  test.each(RETYPED)('%s as a key and a value: Psych reads the string', (s) => {
    const value = { [s]: { variables: { V: s }, tags: [s], script: [s] } };
    expect(psychLoad(stringifyForGitLab(value))).toEqual(value);
  });

  test('a project named yes or 2026-11-23: the whole child pipeline reads back as written', () => {
    for (const name of ['yes', 'off', '2026-11-23', '1_000']) {
      const plan = planOf([project(name, { additional_tags: ['1.0'] })], undefined, 'push', {
        runnerTags: { 'linux/amd64': ['yes'], 'linux/arm64': ['on', '1_000'] },
      });
      expect(psychLoad(renderChildPipeline(plan))).toEqual(asPsychTyped(childPipeline(plan)));
    }
  });

  test('any string, any character: Psych reads back exactly what kiln wrote (2,000 random documents)', () => {
    // Weighted towards the characters and shapes YAML 1.1 treats specially.
    const special = fc.constantFrom(
      '\u2028',
      '\u2029',
      '\u0085',
      '\u0000',
      '\u0007',
      '\t',
      '\n',
      '\r',
      '\u007f',
      '\u0080',
      '\u009f',
      '\ufeff',
      '\u00a0',
      'é',
      '😀',
      ':',
      '#',
      '-',
      '?',
      '&',
      '*',
      '!',
      '|',
      '>',
      "'",
      '"',
      '%',
      '@',
      '`',
      '{',
      '}',
      '[',
      ']',
      ',',
      ' ',
      '\\',
      'yes',
      'off',
      '0',
      '1_0',
      '2026-11-23',
      '.',
      '~',
      '$',
      '<<',
    );
    const text = fc
      .array(fc.oneof(special, fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 })), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''));
    const docs = fc.sample(
      fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 4 }),
      { numRuns: 2000, seed: 20261202 },
    );
    const results = psychLoadAll(docs.map((doc) => stringifyForGitLab({ job: doc })));
    const wrong = results.flatMap((result, i) =>
      result.ok && JSON.stringify(result.value) === JSON.stringify({ job: docs[i] })
        ? []
        : [{ doc: docs[i], result }],
    );
    expect(wrong.slice(0, 3)).toEqual([]);
  });
});
