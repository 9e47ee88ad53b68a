import { describe, expect, test } from 'vitest';
import {
  escapeVariableValue,
  imageProblems,
  runnerTagProblems,
  unescapeVariableValue,
} from '../../../src/render/gitlab-escape.js';

describe('escapeVariableValue (variables:, where the runner expands $NAME and reads $$ as $)', () => {
  test.each([
    ['plain', 'plain'],
    ['$HOME', '$$HOME'],
    ['a$$b', 'a$$$$b'],
    ['{"k":"${X}"}', '{"k":"$${X}"}'],
    ['$', '$$'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeVariableValue(value)).toBe(escaped);
    expect(unescapeVariableValue(escapeVariableValue(value))).toBe(value);
  });

  test('an escaped value has no lone $ left for GitLab to expand', () => {
    const escaped = escapeVariableValue('x$A y${B} $$C $');
    expect(escaped.replaceAll('$$', '')).not.toContain('$');
  });
});

describe('runner tags and images (GitLab expands them and has no escape)', () => {
  test.each([
    ['$CICD_TAG_AMD64', true],
    ['${CICD_TAG_ARM64}', true],
    ['arm64-large', true],
    ['prefix-$RUNNER', true],
    ['has space', false],
    ['cost$', false],
    ['$(whoami)', false],
    ['', false],
  ])('runner tag %j allowed: %s', (tag, ok) => {
    expect(runnerTagProblems(tag, 'runner_tags.linux/amd64[0]').length === 0).toBe(ok);
  });

  test.each([
    ['martizih/kaniko:v1.28.3-debug', true],
    ['$CI_REGISTRY/kiln:0.1.0', true],
    ['ghcr.io/a/b@sha256:abcdef', true],
    ['image with space', false],
    ['bad$', false],
    ['a;rm -rf /', false],
  ])('image %j allowed: %s', (image, ok) => {
    const problems = imageProblems(image, 'images.kaniko');
    expect(problems.length === 0).toBe(ok);
    if (!ok) expect(problems[0]?.field).toBe('images.kaniko');
  });
});
