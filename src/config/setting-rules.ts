// The rules every setting's value must meet, whatever its source: the component's inputs (whose
// `regex:` these mirror, test/unit/setting-rules.test.ts holds them equal), KILN_* environment
// variables, CLI flags and kiln.yaml. A setting from the environment once skipped every check,
// so a registry mirror with a newline or a cache TTL with shell syntax reached the child pipeline.
import type { Problem } from '../errors.js';
import type { RawSettings } from './settings.js';
import { describeCharacter, firstUnsafeCharacter } from './unsafe-text.js';

type Rule = { pattern: RegExp; hint: string };

/** One part of a GitLab `expire_in` (https://docs.gitlab.com/ci/yaml/#artifactsexpire_in). */
const DURATION =
  '[0-9]+ ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?|y|yrs?|years?)';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RELATIVE_PATH: Rule = {
  pattern: /^([^/\s]\S*)?$/,
  hint: 'a path relative to the repository root, without spaces',
};
const IMAGE: Rule = {
  pattern: /^\S+$/,
  hint: 'an image reference such as registry.example.com/kaniko:v1.28.3-debug',
};

const HTTPS_URL: Rule = {
  pattern: /^https?:\/\/[^\s/?#]+(\/\S*)?$/,
  hint: 'the URL of the service, such as https://fulcio.sigstore.dev',
};

/** Whole-value rules; list settings are split first and each item is checked. */
export const SETTING_RULES: Partial<Record<keyof RawSettings, Rule>> = {
  projectsDir: RELATIVE_PATH,
  rebuildFile: RELATIVE_PATH,
  registry: {
    pattern: /^\S*$/,
    hint: 'host[:port]/path, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/images',
  },
  kanikoImage: IMAGE,
  buildahImage: IMAGE,
  kilnImage: IMAGE,
  tagTemplate: {
    pattern: /^[A-Za-z0-9_.{}:-]*$/,
    hint: 'letters, digits, _ . - and the placeholders {project} {date} {shortsha} {shortsha:N} {sha} {pipeline}',
  },
  cacheTtl: { pattern: /^([0-9]+[hms])*$/, hint: 'a duration such as 168h or 90m' },
  registryMirror: { pattern: /^\S*$/, hint: 'a registry host such as mirror.gcr.io, without spaces' },
  gitlabTokenVariable: {
    pattern: VARIABLE_NAME,
    hint: 'the name of a CI/CD variable, such as KILN_GITLAB_TOKEN',
  },
  upstreamTokenVariable: {
    pattern: /^([A-Za-z_][A-Za-z0-9_]*)?$/,
    hint: 'the name of a CI/CD variable, such as UPSTREAM_TOKEN, not its value',
  },
  artifactsExpireIn: {
    pattern: new RegExp(`^(never|${DURATION}( (and )?${DURATION})*)$`),
    hint: "a GitLab duration such as '30 days', '2 weeks' or '1 week and 3 days', or never",
  },
  awsRegion: { pattern: /^([a-z]{2}(-[a-z]+)+-[0-9])?$/, hint: 'an AWS region such as eu-west-1' },
  signingKey: {
    pattern: /^([A-Za-z_][A-Za-z0-9_]*|(awskms|gcpkms|azurekms|hashivault|k8s):\/\/\S+)$/,
    hint: 'the name of the CI/CD variable holding the cosign key, such as COSIGN_PRIVATE_KEY, or a KMS URI such as awskms:///alias/kiln',
  },
  signingPasswordVariable: {
    pattern: VARIABLE_NAME,
    hint: 'the name of the CI/CD variable holding the key password, such as COSIGN_PASSWORD',
  },
  sigstoreFulcioUrl: HTTPS_URL,
  sigstoreRekorUrl: HTTPS_URL,
  pinConcurrency: { pattern: /^([1-9][0-9]?|1[01][0-9]|12[0-8])$/, hint: 'a whole number from 1 to 128' },
};

/** Each item of a list setting. */
export const ITEM_RULES: Partial<Record<keyof RawSettings, Rule>> = {
  manifestRunnerTags: {
    pattern: /^[^\s,;=]+$/,
    hint: 'runner tags such as small or $UTILITY_RUNNER_TAG, comma-separated',
  },
  exclude: {
    pattern: /^[^\s/\\]+$/,
    hint: 'folder names, or globs over them, such as hack, docs or wip-*; no paths',
  },
  releaseRefs: {
    pattern: /^[^\s~^:\\]+$/,
    hint: 'branch or tag names, or globs over them, such as main, release/* or v*',
  },
  upstreamTokenHosts: {
    pattern: /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/,
    hint: 'host names as they appear in the upstream URL, such as github.com or git.example.com:8443',
  },
};

/**
 * Checks one setting's value (a string, or a list's items) and adds a problem located `at` when
 * it breaks a rule. No value may hold a line break or control character: no setting needs one.
 */
export function checkSetting(
  key: keyof RawSettings,
  value: string | string[],
  problems: Problem[],
  at: { field: string; file?: string },
): void {
  const rule = typeof value === 'string' ? SETTING_RULES[key] : ITEM_RULES[key];
  for (const [index, item] of (typeof value === 'string' ? [value] : value).entries()) {
    // In kiln.yaml an item is a line of its own: name it, so the problem gets that line.
    if (typeof value !== 'string' && at.file)
      at = { ...at, field: `${at.field.replace(/\[\d+\]$/, '')}[${index}]` };
    const char = firstUnsafeCharacter(item);
    if (char !== undefined) {
      const message = `must not contain ${describeCharacter(char)}: a line break or control character`;
      problems.push({ ...at, message, hint: 'remove it; no setting needs one' });
      return;
    }
    if (rule && !rule.pattern.test(item)) {
      problems.push({ ...at, message: `"${item}" is not valid here`, hint: rule.hint });
      return;
    }
  }
}
