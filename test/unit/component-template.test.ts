// The GitLab component templates/build.yml: valid for GitLab's schema document by document, every
// input typed, described and within GitLab's limits, every kiln setting reachable as a KILN_*
// variable, and the README's inputs table identical to the spec.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_SCHEDULE } from '../../src/commands/schedule.js';
import { DEFAULT_IMAGES, ENV_NAMES } from '../../src/config/settings.js';
import { CHILD_PIPELINE_FILE, partFile } from '../../src/render/split-pipeline.js';
import {
  type InputSpec,
  interpolate,
  REPO_ROOT,
  specInputs,
  templateText,
} from '../harness/component-template.js';
import { gitlabCiErrors, yamlDocuments } from '../harness/gitlab-ci-schema.js';
import { readmeInputsTable } from '../harness/readme-inputs-table.js';

const text = templateText();
const [header, body] = yamlDocuments(text) as [unknown, Record<string, Record<string, unknown>>];
const inputs = specInputs(header);
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Inputs that steer the component itself rather than a kiln setting. */
// schedule_description is read by the rules (kiln's own schedule), not by kiln.
const COMPONENT_ONLY = [
  'job_prefix',
  'prepare_stage',
  'build_stage',
  'aws_role_arn',
  'oidc_audience',
  'schedule_description',
];

describe('templates/build.yml against GitLab CI schema', () => {
  test('has exactly two documents: the spec header and the jobs', () => {
    expect(yamlDocuments(text)).toHaveLength(2);
    expect(Object.keys(header as object)).toEqual(['spec']);
  });

  test.each([
    ['the spec header', () => header],
    ['the body as written', () => body],
    ['the body with default inputs', () => interpolate(body, inputs)],
    [
      'the body with non-default inputs',
      () =>
        interpolate(body, inputs, {
          job_prefix: 'images',
          merge_requests: 'build',
          builder: 'buildah',
          runner_tags: 'linux/amd64=$AMD;linux/arm64=arm,large',
          aws_role_arn: 'arn:aws:iam::123456789012:role/kiln',
        }),
    ],
  ])('%s validates', (_, document) => {
    expect(gitlabCiErrors(document())).toEqual([]);
  });

  test('the schema check can fail (an unknown `when` is rejected)', () => {
    expect(gitlabCiErrors({ job: { script: 'true', when: 'sometimes' } })).not.toEqual([]);
  });
});

describe('spec:inputs', () => {
  test.each(Object.entries(inputs))('%s has a description, a type and a default', (_, spec: InputSpec) => {
    expect(spec.description?.length ?? 0).toBeGreaterThan(10);
    expect(spec.type).toBe('string');
    expect(spec.default).toBeTypeOf('string');
    if (spec.options) expect(spec.options).toContain(spec.default);
    if (spec.regex) expect(String(spec.default)).toMatch(new RegExp(spec.regex));
  });

  test("stays within GitLab's limits (inputs per header, description and value sizes)", () => {
    expect(Object.keys(inputs).length).toBeLessThanOrEqual(50);
    for (const spec of Object.values(inputs)) {
      expect(spec.description!.length).toBeLessThanOrEqual(1024);
      expect(String(spec.default).length).toBeLessThanOrEqual(1024);
    }
  });

  test.each([
    ['builder', 'docker', 'not in the list of allowed options'],
    ['merge_requests', 'deploy', 'not in the list of allowed options'],
    ['cache_ttl', '7days', 'does not match required regex'],
    ['job_prefix', 'my jobs', 'does not match required regex'],
    ['gitlab_token_variable', 'MY-TOKEN', 'does not match required regex'],
    ['aws_role_arn', 'arn:aws:iam::12:role/x', 'does not match required regex'],
  ])('rejects %s = %j', (name, value, message) => {
    expect(() => interpolate(body, inputs, { [name]: value })).toThrow(message);
  });

  test('the kiln image defaults to the release of this very version (package.json, settings)', () => {
    expect(inputs['kiln_image']?.default).toBe(DEFAULT_IMAGES.kiln);
    expect(DEFAULT_IMAGES.kiln.endsWith(`:${pkg.version}`)).toBe(true);
  });

  test.each([
    ['kaniko_image', DEFAULT_IMAGES.kaniko],
    ['buildah_image', DEFAULT_IMAGES.buildah],
  ])('%s names the pinned default %s', (name, image) => {
    expect(inputs[name]?.description).toContain(image);
  });
});

describe('the prepare job', () => {
  const prepare = body['$[[ inputs.job_prefix ]]-prepare']!;
  const variables = prepare['variables'] as Record<string, unknown>;

  test('receives every kiln setting as its KILN_* variable, and nothing else named KILN_ from an input', () => {
    const kiln = Object.keys(variables).filter(
      (name) => name.startsWith('KILN_') && name !== 'KILN_AWS_ROLE_ARN',
    );
    expect(kiln.sort()).toEqual(Object.values(ENV_NAMES).sort());
  });

  test('the AWS role input travels as KILN_AWS_ROLE_ARN: no job variable can shadow a project-level AWS_ROLE_ARN', () => {
    // Variables a trigger job forwards override the downstream project's own variables, so an empty
    // AWS_ROLE_ARN job variable would hide the one a user set in the project's CI/CD settings.
    const trigger = body['$[[ inputs.job_prefix ]]-build']!['variables'] as Record<string, unknown>;
    for (const jobVariables of [variables, trigger]) {
      expect(jobVariables).not.toHaveProperty('AWS_ROLE_ARN');
      expect(jobVariables['KILN_AWS_ROLE_ARN']).toBe('$[[ inputs.aws_role_arn ]]');
    }
  });

  test.each(Object.keys(inputs).filter((name) => !COMPONENT_ONLY.includes(name)))(
    'input %s becomes a variable',
    (name) => {
      const values = Object.values(variables).map((v) =>
        typeof v === 'object' ? (v as { value: string }).value : v,
      );
      expect(values).toContain(`$[[ inputs.${name} ]]`);
    },
  );

  test('runs kiln prepare and keeps the child pipeline, its parts and the plan as artifacts', () => {
    expect(prepare['script']).toContain('kiln prepare');
    const paths = (prepare['artifacts'] as { paths: string[] }).paths;
    expect(paths).toEqual(['kiln-child-pipeline.yml', 'kiln-child-pipeline.part-*.yml', 'plan.json']);
    expect((prepare['artifacts'] as { reports: unknown }).reports).toEqual({
      codequality: 'kiln-codequality.json',
    });
    // The glob catches exactly the files kiln writes for a split plan.
    const glob = new RegExp(`^${paths[1]?.replaceAll('.', '\\.').replace('*', '[^/]*')}$`);
    expect(
      [partFile(CHILD_PIPELINE_FILE, 1), partFile(CHILD_PIPELINE_FILE, 12)].every((f) => glob.test(f)),
    ).toBe(true);
  });

  test("the manual pipeline sources of its rules are the README's, and only kiln's schedule runs it", () => {
    const rules = (prepare['rules'] as { if: string }[]).map((r) => r.if);
    const manual = rules
      .map((r) => /=~ \/\^\(([^)]*)\)\$\//.exec(r)?.[1])
      .find(Boolean)
      ?.split('|');
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| `web`'));
    const listed = [...(row?.split('|')[1] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    expect(manual?.sort()).toEqual(listed.sort());
    expect(rules).toContain(
      '$CI_PIPELINE_SOURCE == "schedule" && ($KILN_SCHEDULE == "rebuild" || $CI_PIPELINE_SCHEDULE_DESCRIPTION == "$[[ inputs.schedule_description ]]")',
    );
    expect(inputs['schedule_description']?.default).toBe(DEFAULT_SCHEDULE.description);
    expect(rules.filter((r) => r.includes('"schedule"'))).toHaveLength(1);
  });

  test('the trigger job runs the artifact of the prepare job and mirrors its status', () => {
    const trigger = body['$[[ inputs.job_prefix ]]-build']!['trigger'] as Record<string, unknown>;
    expect(trigger).toEqual({
      include: [{ artifact: 'kiln-child-pipeline.yml', job: '$[[ inputs.job_prefix ]]-prepare' }],
      strategy: 'depend',
    });
  });
});

describe('README inputs table', () => {
  test('is identical to spec:inputs (names, types, defaults, allowed values, descriptions)', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const expected = Object.entries(inputs).map(([name, spec]) => ({
      input: name,
      type: spec.type ?? 'string',
      default: String(spec.default),
      allowed: spec.options
        ? spec.options.map((o) => (o === '' ? "''" : String(o))).join(', ')
        : spec.regex
          ? `regex ${spec.regex}`
          : '',
      description: spec.description ?? '',
    }));
    expect(readmeInputsTable(readme)).toEqual(expected);
  });
});
