import { describe, expect, test } from 'vitest';
import {
  archSuffix,
  BUILDABLE_PLATFORMS,
  isKnownPlatform,
  isValidOciTag,
  isValidRepositoryName,
  isValidRepositoryPath,
  longestArchSuffix,
  MAX_TAG_LENGTH,
  parsePlatform,
} from '../../../src/config/oci.js';

describe('OCI tag grammar', () => {
  test.each([
    ['latest', true],
    ['nginx-20261123-0123abcd-arm-v7', true],
    ['_underscore-first', true],
    ['v1.2.3', true],
    ['UPPER_case', true],
    ['a'.repeat(MAX_TAG_LENGTH), true],
    ['a'.repeat(MAX_TAG_LENGTH + 1), false],
    ['', false],
    ['.dot-first', false],
    ['-dash-first', false],
    ['has/slash', false],
    ['has space', false],
    ['has:colon', false],
    ['ünïcode', false],
  ])('%s → %s', (tag, valid) => {
    expect(isValidOciTag(tag)).toBe(valid);
  });
});

describe('repository names', () => {
  test.each([
    ['nginx', true],
    ['team/app', true],
    ['a.b_c__d---e', true],
    ['Team/app', false],
    ['app_', false],
    ['a//b', false],
    ['', false],
  ])('path %s → %s', (name, valid) => {
    expect(isValidRepositoryPath(name)).toBe(valid);
  });

  test.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/images', true],
    ['127.0.0.1:5000/kiln/test', true],
    ['localhost/x', true],
    ['[::1]:5000/x', true],
    ['registry.example.com', false],
    ['registry.example.com/UPPER', false],
    ['-bad.host/x', false],
    [`x/${'a'.repeat(260)}`, false],
  ])('name %s → %s', (name, valid) => {
    expect(isValidRepositoryName(name)).toBe(valid);
  });
});

describe('platforms', () => {
  test.each([
    ['linux/amd64', 'amd64'],
    ['linux/arm64', 'arm64'],
    ['linux/arm64/v8', 'arm64-v8'],
    ['linux/arm/v7', 'arm-v7'],
    ['linux/386', '386'],
    ['windows/amd64', 'windows-amd64'],
  ])('archSuffix(%s) = %s', (platform, suffix) => {
    expect(archSuffix(platform)).toBe(suffix);
    expect(isValidOciTag(suffix)).toBe(true);
  });

  test('parsePlatform gives the index platform object', () => {
    expect(parsePlatform('linux/arm/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  test.each([
    ['linux/amd64', true],
    ['linux/arm/v7', true],
    ['linux/arm', false],
    ['linux/x86_64', false],
    ['Linux/amd64', false],
    ['amd64', false],
  ])('isKnownPlatform(%s) = %s', (platform, known) => {
    expect(isKnownPlatform(platform)).toBe(known);
  });

  test('buildable platforms are the Linux ones', () => {
    expect(BUILDABLE_PLATFORMS).toContain('linux/riscv64');
    expect(BUILDABLE_PLATFORMS.some((p) => p.startsWith('windows/'))).toBe(false);
  });

  test('longestArchSuffix picks the longest', () => {
    expect(longestArchSuffix(['linux/amd64', 'linux/arm/v7', 'linux/arm64'])).toBe('arm-v7');
    expect(longestArchSuffix([])).toBe('');
  });
});
