import { describe, expect, test } from 'vitest';
import { BUILD_CONFIG_KEYS } from '../../../src/config/build-config-schema.js';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.js';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['platfroms', 'platforms', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('didYouMean over the build-config keys', () => {
  test.each([
    ['platform', 'platforms'],
    ['Platforms', 'platforms'],
    ['upstream_url', 'upstream_ref'],
    ['upstream-repo', 'upstream_repo'],
    ['dockerfile', 'dockerfile_path'],
    ['build_arg', 'build_args'],
    ['buildargs', 'build_args'],
    ['dependson', 'depends_on'],
    ['tags', 'additional_tags'],
    ['context', 'context_path'],
  ])('%s → %s', (typo, key) => {
    expect(didYouMean(typo, BUILD_CONFIG_KEYS)).toBe(key);
  });

  test.each(['image', 'zzzzzz', ''])('%j → nothing close', (word) => {
    expect(didYouMean(word, BUILD_CONFIG_KEYS)).toBeUndefined();
  });
});
