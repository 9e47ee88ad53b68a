// The plan's readers (scanProjects for selection, readProjects for what is built) refuse a
// build-config.yaml over the size cap by its size, before reading it, as kiln validate does.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MAX_BUILD_CONFIG_BYTES } from '../../../src/config/parse-build-config.js';
import { formatProblem, KilnError } from '../../../src/errors.js';
import { readProjects, scanProjects } from '../../../src/select/scan-projects.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const LOCAL = 'use_local_context: true\n';
// No depends_on or watch_paths in it: selection would otherwise not read it at all.
const BIG = `${LOCAL}#${'x'.repeat(MAX_BUILD_CONFIG_BYTES)}\n`;
const REFUSED = `projects/big/build-config.yaml: the file is ${Buffer.byteLength(BIG).toLocaleString('en-US')} bytes; a build-config.yaml may be at most 65,536 bytes (64 KiB) (hint: a build-config.yaml is a few hundred bytes: check that this is the file you meant to commit)`;

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kiln-scan-limits-'));
  roots.push(root);
  for (const [name, text] of [
    ['big', BIG],
    ['app', `${LOCAL}depends_on: [big]\n`],
  ]) {
    mkdirSync(path.join(root, 'projects', name!), { recursive: true });
    writeFileSync(path.join(root, 'projects', name!, 'build-config.yaml'), text!);
  }
  return root;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KilnError);
    return (error as KilnError).problems.map(formatProblem);
  }
  return expect.unreachable('no CONFIG_INVALID error');
}

describe('scanProjects and readProjects: the size cap', () => {
  test('selection refuses an oversized config, though it names neither key', () => {
    expect(problemsOf(() => scanProjects({ root: tree(), projectsDir: 'projects' }))).toEqual([REFUSED]);
  });

  test('a config that reads longer than its size says (a link to /dev/zero) is refused too', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'kiln-scan-limits-'));
    roots.push(root);
    mkdirSync(path.join(root, 'projects', 'zero'), { recursive: true });
    symlinkSync('/dev/zero', path.join(root, 'projects', 'zero', 'build-config.yaml'));
    const refused = [
      expect.stringMatching(
        /^projects\/zero\/build-config\.yaml: the file is 65,537 bytes; a build-config\.yaml may be at most/,
      ),
    ];
    expect(problemsOf(() => scanProjects({ root, projectsDir: 'projects' }))).toEqual(refused);
    // Building it goes through the same bounded reader: refused, where readFileSync never ended.
    expect(problemsOf(() => readProjects({ root, projectsDir: 'projects', names: ['zero'] }))).toEqual(
      refused,
    );
  });

  test('building it refuses it too; its folder still counts as a project for depends_on', () => {
    const root = tree();
    expect(problemsOf(() => readProjects({ root, projectsDir: 'projects', names: ['big'] }))).toEqual([
      REFUSED,
    ]);
    expect(readProjects({ root, projectsDir: 'projects', names: ['app'] }).map((p) => p.name)).toEqual([
      'app',
    ]);
  });
});
