// Settings meet the same rules from every source (issue 15, finding 7): what the component's input
// `regex:` refuses, kiln refuses from KILN_* variables, flags and kiln.yaml too, and the other way
// round. The regexes are read from templates/build.yml, so the two cannot drift apart.
import { describe, expect, test } from 'vitest';
import { ITEM_RULES, SETTING_RULES } from '../../src/config/setting-rules.js';
import { ENV_NAMES, type RawSettings, resolveSettings } from '../../src/config/settings.js';
import { KilnError } from '../../src/errors.js';
import { specInputs, templateText } from '../harness/component-template.js';
import { yamlDocuments } from '../harness/gitlab-ci-schema.js';

const [header, body] = yamlDocuments(templateText()) as [unknown, Record<string, { variables?: object }>];
const inputs = specInputs(header);
const prepare = Object.entries(body).find(([name]) => name.endsWith('-prepare'))?.[1];
const keyOfEnv = Object.fromEntries(Object.entries(ENV_NAMES).map(([key, env]) => [env, key]));

/** Input name → setting key, for the inputs that carry a regex and feed a rule-checked setting. */
const checked = Object.entries(prepare?.variables ?? {}).flatMap(([env, value]) => {
  const input = /\$\[\[ inputs\.(\w+) \]\]/.exec(JSON.stringify(value))?.[1];
  const key = keyOfEnv[env] as keyof RawSettings | undefined;
  if (!input || !key || !inputs[input]?.regex) return [];
  return [{ input, env, key, regex: new RegExp(inputs[input].regex ?? '') }];
});

// Printable ASCII only: GitLab checks input regexes with RE2, whose \s is ASCII whitespace, while
// kiln refuses every line break and control character (asserted separately below). Empty values
// are left out: the prepare job drops empty KILN_* variables, so an empty input means "not set".
const PROBES = [
  'a',
  'projects',
  'images/sub',
  'a b',
  ' a',
  'a\tb',
  '$(id)',
  '`id`',
  '/abs',
  '1h',
  '168h',
  '1h30m',
  '1d',
  'eu-west-1',
  'EU-WEST-1',
  'KILN_X',
  'my var',
  '1TOKEN',
  'x;y',
  'host:5000/path',
  '{project}-{date}-{shortsha}',
  'tag@x',
  'github.com',
  'github.com, git.example.com:8443',
  'github.com/org',
  'https://github.com',
];

function accepts(env: Record<string, string>): boolean {
  try {
    resolveSettings({ env });
    return true;
  } catch (error) {
    if (error instanceof KilnError && error.code === 'SETTINGS_INVALID') return false;
    throw error;
  }
}

describe('setting rules match the component inputs', () => {
  test('every input with a regex that feeds a setting has a rule in kiln', () => {
    // runner_tags' regex is structural only; kiln parses the value (parseRunnerTags) instead.
    const covered = checked.filter(({ key }) => key !== 'runnerTags');
    expect(covered.map(({ input }) => input).sort()).toEqual(
      checked
        .filter(({ key }) => key in SETTING_RULES || key in ITEM_RULES)
        .map(({ input }) => input)
        .sort(),
    );
    expect(covered.length).toBeGreaterThanOrEqual(12);
  });

  test.each(checked.filter(({ key }) => key !== 'runnerTags'))(
    '$input: KILN_* accepts exactly what the input regex accepts',
    ({ env, regex }) => {
      // A token variable needs hosts to go to; the hosts alone are fine.
      const base = { KILN_UPSTREAM_TOKEN_HOSTS: 'github.com' };
      for (const probe of PROBES) {
        const accepted = accepts({ ...base, [env]: probe });
        expect({ probe, accepted }).toEqual({ probe, accepted: regex.test(probe) });
      }
    },
  );

  test.each(['a\nb', 'a\u2028b', 'a\u0085b', 'a\u0000b'])(
    'no string setting holds %j, from the environment or kiln.yaml',
    (value) => {
      for (const key of Object.keys(SETTING_RULES) as (keyof RawSettings)[]) {
        expect({ key, accepted: accepts({ [ENV_NAMES[key]]: value }) }).toEqual({ key, accepted: false });
      }
      const file = `registry_mirror: ${JSON.stringify(value)}\nimages:\n  kaniko: ${JSON.stringify(value)}\n`;
      const error = (() => {
        try {
          resolveSettings({ fileText: file });
        } catch (e) {
          return e as KilnError;
        }
        return undefined;
      })();
      expect(error?.problems.map((p) => `${p.file}: ${p.field}`).sort()).toEqual([
        'kiln.yaml: images.kaniko',
        'kiln.yaml: registry_mirror',
      ]);
    },
  );

  test("the issue's examples are refused with the variable named", () => {
    const cases = {
      KILN_REGISTRY_MIRROR: 'mirror.example\nimage: evil',
      KILN_CACHE_TTL: '1h$(id)',
      KILN_UPSTREAM_TOKEN_VARIABLE: 'MY TOKEN',
    };
    for (const [name, value] of Object.entries(cases)) {
      try {
        resolveSettings({ env: { [name]: value, KILN_UPSTREAM_TOKEN_HOSTS: 'github.com' } });
        expect.unreachable(`${name} accepted`);
      } catch (error) {
        expect((error as KilnError).problems[0]).toMatchObject({ field: name, hint: expect.any(String) });
      }
    }
  });

  test('a token variable with no host to send it to is refused', () => {
    expect(accepts({ KILN_UPSTREAM_TOKEN_VARIABLE: 'UPSTREAM_TOKEN' })).toBe(false);
    expect(
      accepts({ KILN_UPSTREAM_TOKEN_VARIABLE: 'UPSTREAM_TOKEN', KILN_UPSTREAM_TOKEN_HOSTS: 'github.com' }),
    ).toBe(true);
    expect(
      resolveSettings({ fileText: 'upstream_token_variable: T\nupstream_token_hosts: [a.example:8443]\n' })
        .upstreamTokenHosts,
    ).toEqual(['a.example:8443']);
  });
});
