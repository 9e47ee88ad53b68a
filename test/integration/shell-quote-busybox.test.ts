// Property test: for ≥ 10,000 generated strings, busybox sh (Debian busybox-static, the shell of the
// Kaniko debug image) receives exactly the argument kiln intended. One busybox process per batch.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { shellQuote, shellQuoteExpandingVars, shellWord } from '../../src/render/shell-quote.js';
import { requireTool } from '../harness/tools.js';

const RUNS = 10_000;

/** Runs `printf '%s\0' <word>` per word in ONE busybox sh and returns what each printf received. */
function throughBusybox(words: string[], env: Record<string, string> = {}): string[] {
  const script = words.map((word) => `printf '%s\\0' ${word}`).join('\n');
  // The script goes in on stdin, as the GitLab runner feeds job scripts to the shell.
  const out = execFileSync('busybox', ['sh', '-e', '-s'], {
    input: script,
    env: { PATH: '/usr/bin:/bin', ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return out.toString('utf8').split('\0').slice(0, -1);
}

const nasty = fc.constantFrom(
  "'",
  '"',
  '\n',
  '\r',
  '\t',
  ' ',
  '\\',
  '$(id)',
  '`id`',
  '$HOME',
  '${HOME}',
  '$',
  '$$',
  '$1',
  '$?',
  '$-',
  '-',
  '--',
  '-e',
  '=',
  '#',
  '*',
  '?',
  '[a]',
  '~',
  '!',
  ';',
  '&',
  '|',
  '>',
  '<',
  '{',
  '}',
  '%',
  'é',
  '日本',
  '😀',
  '\u00a0',
  '\u202e',
  "'\\''",
);
const anything = fc
  .array(
    fc.oneof(
      nasty,
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.string({ unit: 'binary-ascii', maxLength: 6 }),
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\0'));

beforeAll(() => requireTool('busybox', 'busybox-static'));

describe('shellQuote under busybox sh', () => {
  test(`${RUNS} generated strings arrive byte for byte (quotes, newlines, $(), backticks, $VAR, unicode, leading dashes)`, () => {
    const samples = fc.sample(anything, { numRuns: RUNS, seed: 20260304 });
    samples.push('', '-', '--help', "'", '\n', '$(touch /tmp/kiln-quote-pwned)');
    const received = throughBusybox(samples.map(shellQuote));
    expect(received).toHaveLength(samples.length);
    for (let i = 0; i < samples.length; i++) {
      if (received[i] !== samples[i]) expect({ sent: samples[i], received: received[i] }).toBeUndefined();
    }
  });
});

describe('shellQuoteExpandingVars under busybox sh', () => {
  // Variable references come only from these pieces, so the oracle knows every name's value.
  const ENV = { A: 'a b  *', B_2: "it's", HOME: '/home/kiln' };
  const refs = fc.constantFrom('$A', '${A}', '$B_2', '${B_2}', '$HOME', '${HOME}', '$UNSET_X', '${UNSET_X}');
  const noDollar = anything.map((s) => s.replaceAll('$', ''));
  const safeDollar = fc.constantFrom('$1', '$?', '$-', '$(id)', '$ ', '${', '$}', '$$1');
  const mixed = fc.array(fc.oneof(refs, noDollar, safeDollar), { maxLength: 8 }).map((p) => p.join(''));

  /** The oracle: what a job shell should make of the value. */
  function expected(value: string): string {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a, b) => {
      return ENV[(a ?? b) as keyof typeof ENV] ?? '';
    });
  }

  test(`${RUNS} generated values: references expand, unsplit and unglobbed; nothing else does`, () => {
    const samples = fc.sample(mixed, { numRuns: RUNS, seed: 4711 });
    const received = throughBusybox(samples.map(shellQuoteExpandingVars), ENV);
    expect(received).toHaveLength(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const want = expected(samples[i] ?? '');
      if (received[i] !== want) expect({ sent: samples[i], want, received: received[i] }).toBeUndefined();
    }
  });

  test('shellWord joins literal text and CI variables into one argument', () => {
    const word = shellWord([{ text: "dir://it's " }, { variable: 'HOME' }, { text: '/$(x) *' }]);
    expect(throughBusybox([word], ENV)).toEqual(["dir://it's /home/kiln/$(x) *"]);
  });
});
