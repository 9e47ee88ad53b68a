// The rules of build-config.yaml that span several keys or need the project's name and the other
// projects: one source, tag lengths, depends_on, {{image:NAME}}. Pure; run on the raw data so they
// report even when another key has a type error.
import type { Problem } from '../errors.js';
import { PROJECT_NAME } from './build-config-schema.js';
import { suggestion } from './did-you-mean.js';
import { DEFAULT_PLATFORMS, isValidRepositoryComponent, longestArchSuffix, MAX_TAG_LENGTH } from './oci.js';
import type { FieldPath } from './yaml-source.js';

export interface RuleOptions {
  /** Every project in the repository: depends_on entries must name one of them. */
  projectNames?: readonly string[];
  /** In per-project mode the name is also a repository path component (lowercase). */
  repositoryMode?: 'single' | 'per-project';
}

/** The longest tag kiln generates by default: {project}-{YYYYMMDD}-{8-char sha}-{arch}. */
export function longestDefaultTag(project: string, platforms: readonly string[]): string {
  return `${project}-20991231-0123abcd-${longestArchSuffix(platforms)}`;
}

/** `{{image:NAME}}` in a build-arg value: the image a dependency was just built as. */
export const IMAGE_PLACEHOLDER = /\{\{image:([^{}]*)\}\}/g;

export function checkProjectName(name: string, file: string, options: RuleOptions): Problem[] {
  const field = 'project name';
  if (!PROJECT_NAME.test(name)) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" cannot start an image tag`,
        hint: 'rename the folder: letters, digits, ".", "_", "-", not starting with "." or "-"',
      },
    ];
  }
  if (options.repositoryMode === 'per-project' && !isValidRepositoryComponent(name)) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" is not a repository name (per-project repositories)`,
        hint: `rename the folder, e.g. ${name.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
      },
    ];
  }
  const longest = longestDefaultTag(name, DEFAULT_PLATFORMS);
  if (longest.length > MAX_TAG_LENGTH) {
    return [
      {
        file,
        field,
        message: `folder name "${name}" is too long: generated tags like ${longest} exceed ${MAX_TAG_LENGTH} characters`,
        hint: 'use a shorter folder name',
      },
    ];
  }
  return [];
}

export type At = (path: FieldPath, message: string, hint?: string, onKey?: boolean) => void;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

/** upstream_repo + upstream_ref, XOR use_local_context: true (local_context only with the latter). */
function checkSource(raw: Record<string, unknown>, present: (key: string) => boolean, at: At): void {
  const local = raw['use_local_context'] === true;
  // A non-boolean use_local_context is already reported; guessing the source would add noise.
  if (present('use_local_context') && typeof raw['use_local_context'] !== 'boolean') return;
  if (local) {
    for (const key of ['upstream_repo', 'upstream_ref']) {
      if (present(key))
        at(
          [key],
          `cannot be combined with use_local_context: true`,
          `remove ${key}, or remove use_local_context`,
          true,
        );
    }
  } else {
    const hint = 'set upstream_repo and upstream_ref, or use_local_context: true';
    if (!present('upstream_repo') && !present('upstream_ref'))
      at([], 'no source: upstream_repo and upstream_ref are missing', hint);
    else if (!present('upstream_repo')) at(['upstream_ref'], 'needs upstream_repo', hint, true);
    else if (!present('upstream_ref'))
      at(['upstream_repo'], 'needs upstream_ref (a tag, branch or commit SHA)', hint, true);
    if (present('local_context'))
      at(['local_context'], 'only applies with use_local_context: true', 'remove local_context', true);
  }
}

/** Rules across keys, on the raw data (type errors are already reported by the schema). */
export function checkCrossField(
  raw: Record<string, unknown>,
  project: string,
  options: RuleOptions,
  at: At,
): void {
  const present = (key: string) => raw[key] !== undefined && raw[key] !== null;
  checkSource(raw, present, at);

  const platforms = strings(raw['platforms']) ?? [...DEFAULT_PLATFORMS];
  const longest = longestDefaultTag(project, platforms);
  const nameFits = longestDefaultTag(project, DEFAULT_PLATFORMS).length <= MAX_TAG_LENGTH;
  if (PROJECT_NAME.test(project) && nameFits && longest.length > MAX_TAG_LENGTH && present('platforms')) {
    at(
      ['platforms'],
      `generated tag ${longest} exceeds ${MAX_TAG_LENGTH} characters`,
      'use a shorter folder name',
      true,
    );
  }

  for (const [i, tag] of (strings(raw['additional_tags']) ?? []).entries()) {
    const full = `${project}-${tag}`;
    if (PROJECT_NAME.test(project) && full.length > MAX_TAG_LENGTH) {
      at(
        ['additional_tags', i],
        `tag ${full} is ${full.length} characters; the limit is ${MAX_TAG_LENGTH}`,
        'use a shorter tag',
      );
    }
  }

  const dependsOn = strings(raw['depends_on']) ?? [];
  for (const finding of dependsOnFindings(dependsOn, project, options.projectNames)) {
    at(['depends_on', finding.index], finding.message, finding.hint);
  }

  checkImagePlaceholders(raw['build_args'], new Set(dependsOn), at);
}

/**
 * depends_on as a list: not the project itself, no name twice, every name a project. (Each name's
 * form is the schema's.) Shared with selection's quick read of the key (select/scan-projects.ts).
 */
export function dependsOnFindings(
  dependsOn: readonly string[],
  project: string,
  projectNames?: readonly string[],
): { index: number; message: string; hint: string }[] {
  const findings: { index: number; message: string; hint: string }[] = [];
  const seen = new Set<string>();
  for (const [index, name] of dependsOn.entries()) {
    if (name === project) {
      findings.push({ index, message: 'a project cannot depend on itself', hint: 'remove this entry' });
    } else if (seen.has(name)) {
      findings.push({ index, message: `${name} is listed twice`, hint: 'remove the duplicate' });
    } else if (projectNames && PROJECT_NAME.test(name) && !projectNames.includes(name)) {
      const hint = suggestion(name, projectNames, 'list folder names under the projects folder');
      findings.push({ index, message: `no project named "${name}"`, hint });
    }
    seen.add(name);
  }
  return findings;
}

/** `{{image:NAME}}` must name a dependency, so the planner knows which image to put there. */
function checkImagePlaceholders(buildArgs: unknown, dependsOn: Set<string>, at: At): void {
  const entries: [string | number, unknown][] = Array.isArray(buildArgs)
    ? [...buildArgs.entries()]
    : buildArgs !== null && typeof buildArgs === 'object'
      ? Object.entries(buildArgs)
      : [];
  for (const [key, value] of entries) {
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(IMAGE_PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!dependsOn.has(name)) {
        at(
          ['build_args', key],
          `{{image:${name}}} names a project that is not in depends_on`,
          `add ${name || 'the project'} to depends_on`,
        );
      }
    }
  }
}
