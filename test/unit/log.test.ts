import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../src/log.js';

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
