// `kiln validate --codequality FILE` through the bundled CLI: the report validates against GitLab's
// documented Code Quality format (written below as a JSON Schema from
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format: an array of issues,
// each with description, check_name, a unique fingerprint, one of five severities, and a location
// of a relative path and a begin line), and says what the CLI says, at the same file and line.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const CLI = 'dist/kiln.js';

const CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          path: { type: 'string', pattern: '^[^/]' },
          lines: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
  },
} as const;

let dir: string;

async function kiln(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('node', [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) await run('node', ['scripts/build.mjs']);
  dir = await mkdtemp(path.join(os.tmpdir(), 'kiln-codequality-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kiln validate --codequality', () => {
  test('broken configs: one valid Code Quality issue per CLI line, at the same file and line', async () => {
    const root = 'test/fixtures/configs/broken-repo';
    const file = path.join(dir, 'broken.json');
    const result = await kiln('validate', '--root', root, '--codequality', file);
    expect(result.code).toBe(1);
    const report = JSON.parse(await readFile(file, 'utf8')) as {
      description: string;
      fingerprint: string;
      location: { path: string; lines: { begin: number } };
    }[];
    const validate = new Ajv({ allErrors: true }).compile(CODE_QUALITY_SCHEMA);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(new Set(report.map((i) => i.fingerprint)).size).toBe(report.length);

    const cliLines = result.stderr.trimEnd().split('\n').slice(0, -1);
    expect(report).toHaveLength(cliLines.length);
    for (const issue of report) {
      // The path is relative to the repository root, as GitLab matches it against the diff.
      const text = await readFile(path.join(root, issue.location.path), 'utf8');
      expect(issue.location.lines.begin).toBeLessThanOrEqual(text.split('\n').length);
      const line = cliLines.find(
        (l) => l.startsWith(`${root}/${issue.location.path}:`) && l.endsWith(issue.description),
      );
      expect(line, issue.description).toBeDefined();
      expect(line).toMatch(new RegExp(`^${root}/${issue.location.path}:${issue.location.lines.begin}[:\\s]`));
    }
  });

  test('valid configs: an empty report, so the merge request shows the issues as resolved', async () => {
    const file = path.join(dir, 'valid.json');
    const result = await kiln(
      'validate',
      '--root',
      'test/fixtures/configs/valid-repo',
      '--codequality',
      file,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([]);
  });
});
