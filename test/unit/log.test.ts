import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../src/log.js';
import { readLogSections } from '../harness/log-sections.js';

describe('logger', () => {
  test('masks registered secrets in every channel', () => {
    const log = createMemoryLogger();
    log.addSecret('glpat-supersecret');
    log.info('token is glpat-supersecret');
    log.out('x glpat-supersecret y');
    log.error('failed with glpat-supersecret');
    expect([...log.stdout, ...log.stderr].join('')).not.toContain('glpat-supersecret');
    expect(log.stderr.join('')).toContain('[MASKED]');
  });

  test('a secret containing another is masked whole', () => {
    const log = createMemoryLogger();
    log.addSecret('abcdef');
    log.addSecret('abcdefghij');
    expect(log.mask('<abcdefghij>')).toBe('<[MASKED]>');
  });

  test('very short values are not treated as secrets (they would mask unrelated text)', () => {
    const log = createMemoryLogger();
    log.addSecret('ab');
    expect(log.mask('about')).toBe('about');
  });

  test('human output goes to stderr, results to stdout', () => {
    const log = createMemoryLogger();
    log.info('progress');
    log.out('{"json":true}');
    expect(log.stderr).toEqual(['progress\n']);
    expect(log.stdout).toEqual(['{"json":true}\n']);
  });
});

describe('log sections', () => {
  /** A clock that moves 1.5 s on every reading. */
  function ticking(start = 1_700_000_000_000) {
    let now = start - 1500;
    return () => {
      now += 1500;
      return now;
    };
  }

  test('a section is GitLab markers around its lines, with its duration; nothing is added outside a job', async () => {
    const plain = createMemoryLogger();
    await plain.section('pinning', async (log) => log.info('inside'));
    expect(plain.stderr.join('')).toBe('inside\n');

    const log = createMemoryLogger({ sections: true, clock: ticking() });
    const value = await log.section(
      'pinning upstreams',
      async (inner) => {
        inner.info('inside');
        return 42;
      },
      { collapsed: true },
    );
    expect(value).toBe(42);
    const text = log.stderr.join('');
    const { sections, problems } = readLogSections(text);
    expect(problems).toEqual([]);
    expect(sections).toEqual([
      {
        name: 'kiln_1_pinning_upstreams',
        header: 'pinning upstreams',
        collapsed: true,
        start: 1_700_000_000,
        end: 1_700_000_001,
        depth: 0,
      },
    ]);
    expect(text).toContain('inside\npinning upstreams: done in 1.50 s\n');
  });

  test('a step that throws still closes its section, and says it failed', async () => {
    const log = createMemoryLogger({ sections: true, clock: ticking() });
    await expect(
      log.section('outer', (outer) => outer.section('inner', async () => Promise.reject(new Error('boom')))),
    ).rejects.toThrow('boom');
    const { sections, problems } = readLogSections(log.stderr.join(''));
    expect(problems).toEqual([]);
    expect(sections.map((s) => [s.header, s.depth])).toEqual([
      ['inner', 1],
      ['outer', 0],
    ]);
    expect(log.stderr.join('')).toContain('inner: failed in');
  });

  test('buffered sections running side by side are written whole, never interleaved', async () => {
    const log = createMemoryLogger({ sections: true });
    const step = (name: string, wait: number) =>
      log.section(
        `tag ${name}`,
        async (inner) => {
          inner.info(`${name} start`);
          await new Promise((r) => setTimeout(r, wait));
          inner.info(`${name} end`);
        },
        { buffered: true },
      );
    await Promise.all([step('a', 30), step('b', 1)]);
    const text = log.stderr.join('');
    const { sections, problems } = readLogSections(text);
    expect(problems).toEqual([]);
    expect(sections.map((s) => s.header)).toEqual(['tag b', 'tag a']);
    expect(text.indexOf('a end')).toBeLessThan(text.indexOf('section_end:', text.indexOf('a start')));
    expect(text.indexOf('b end')).toBeLessThan(text.indexOf('a start'));
  });

  test('secrets are masked in section headers too', async () => {
    const log = createMemoryLogger({ sections: true });
    log.addSecret('s3cr3t-value');
    await log.section('pushing with s3cr3t-value', async () => undefined);
    expect(log.stderr.join('')).not.toContain('s3cr3t-value');
  });

  test('the checker finds what GitLab would not accept', () => {
    const bad = [
      '\u001b[0Ksection_start:10:a b\r\u001b[0Kx\n',
      '\u001b[0Ksection_start:12:one\r\u001b[0Kx\n',
      '\u001b[0Ksection_start:12:two\r\u001b[0Kx\n',
      '\u001b[0Ksection_end:11:two\r\u001b[0K\n',
      '\u001b[0Ksection_end:13:three\r\u001b[0K\n',
    ].join('');
    const { problems } = readLogSections(bad);
    expect(problems).toEqual([
      '"a b" is not a valid section name',
      'section two ends at 11, before it starts (12)',
      'section_end of three closes one, still open',
      'section a b ("x") never ends',
    ]);
  });
});
