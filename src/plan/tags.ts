// Tag computation (pure): the default tag from the template, per-architecture tags, additional tags.
// Every tag is checked against the OCI grammar here, before any job runs.
import { placeholdersOf } from '../config/build-config-schema.js';
import { archSuffix, isValidOciTag, MAX_TAG_LENGTH } from '../config/oci.js';
import type { Settings } from '../config/settings.js';
import type { Problem } from '../errors.js';
import type { Project } from '../types.js';
import { fillRefTag } from './ref-tags.js';
import { imageRepository } from './repositories.js';
import type { ProjectTags } from './types.js';

export const TAG_PLACEHOLDERS = ['project', 'date', 'shortsha', 'sha', 'pipeline'] as const;

/** GitLab's CI_COMMIT_SHORT_SHA is 8 characters. */
export const SHORT_SHA_LENGTH = 8;

export interface ComputeTagsInput {
  project: Project;
  settings: Pick<Settings, 'tagTemplate' | 'repositoryMode' | 'prefixAdditionalTags'>;
  /** Pipeline creation time; its UTC date goes into the tag. */
  created: Date;
  /** The monorepo commit. */
  commitSha: string;
  pipelineId: string;
  /**
   * Set when this pipeline may not move release tags (see release.ts): the additional tags are
   * skipped, and the default tag names the ref (`<default>-ref-<slug>`) so that it cannot be one
   * the default branch writes.
   */
  refSlug?: string;
}

/** `YYYYMMDD` of a date, in UTC (a pipeline that starts at 23:59 in Berlin is dated in UTC). */
export function utcDate(date: Date): string {
  const y = date.getUTCFullYear().toString().padStart(4, '0');
  const m = (date.getUTCMonth() + 1).toString().padStart(2, '0');
  const d = date.getUTCDate().toString().padStart(2, '0');
  return `${y}${m}${d}`;
}

/** `{shortsha:7}`: git's abbreviation at another length (kiln's predecessor used 7). */
const MIN_SHORT_SHA = 4;
const MAX_SHORT_SHA = 40;

/** Problems of the template itself (unknown placeholders, collisions in a shared repository). */
export function templateProblems(template: string, repositoryMode: Settings['repositoryMode']): Problem[] {
  const problems: Problem[] = [];
  for (const written of placeholdersOf(template)) {
    const [name = '', length] = written.split(':');
    if (!(TAG_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push({
        field: 'tag_template',
        message: `unknown placeholder {${written}} in "${template}"`,
        hint: `use ${TAG_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}, or {shortsha:N} for N hex digits`,
      });
    } else if (
      length !== undefined &&
      (name !== 'shortsha' ||
        !/^\d+$/.test(length) ||
        Number(length) < MIN_SHORT_SHA ||
        Number(length) > MAX_SHORT_SHA)
    ) {
      problems.push({
        field: 'tag_template',
        message: `{${written}} in "${template}": only {shortsha} takes a length, from ${MIN_SHORT_SHA} to ${MAX_SHORT_SHA}`,
        hint: 'write {shortsha:7} for the 7 hex digits git abbreviates to',
      });
    }
  }
  if (repositoryMode === 'single' && !template.includes('{project}')) {
    problems.push({
      field: 'tag_template',
      message: `"${template}" has no {project}: every project shares one repository, so their tags would collide`,
      hint: 'add {project} to the template, or set repository_mode: per-project',
    });
  }
  if (!/\{(shortsha(:\d+)?|sha|pipeline)\}/.test(template)) {
    problems.push({
      field: 'tag_template',
      message: `"${template}" has none of {shortsha} {sha} {pipeline}: two builds on one day would reuse a tag`,
      hint: 'keep {shortsha} in the template',
    });
  }
  return problems;
}

/** Fills `{name}` from `values`; `{shortsha:N}` is the first N characters of `values.sha`. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)(?::(\d+))?\}/g, (whole, name: string, length?: string) => {
    if (length !== undefined)
      return name === 'shortsha' && values['sha'] ? values['sha'].slice(0, Number(length)) : whole;
    return values[name] ?? whole;
  });
}

/**
 * Whether additional tags get the `<project>-` prefix: the setting when set, else yes in a shared
 * repository (where tags of projects would meet) and no in per-project ones (`kaniko:latest`).
 */
export function prefixesAdditionalTags(
  settings: Pick<Settings, 'repositoryMode' | 'prefixAdditionalTags'>,
): boolean {
  return settings.prefixAdditionalTags ?? settings.repositoryMode === 'single';
}

/**
 * A project's additional tags as pushed: placeholders filled from its upstream_ref (ref-tags.ts),
 * the prefix added where it applies; a `{major}` tag of a pre-release is left out.
 */
export function additionalTagsOf(
  project: Project,
  settings: Pick<Settings, 'repositoryMode' | 'prefixAdditionalTags'>,
): { tags: { tag: string; field: string }[]; problems: Problem[] } {
  const prefix = prefixesAdditionalTags(settings) ? `${project.name}-` : '';
  const upstreamRef = project.config.use_local_context ? undefined : project.config.upstream_ref;
  const tags: { tag: string; field: string }[] = [];
  const problems: Problem[] = [];
  for (const [index, written] of project.config.additional_tags.entries()) {
    const field = `additional_tags[${index}]`;
    const filled = fillRefTag(written, upstreamRef, { file: project.file, field });
    if ('problem' in filled) problems.push(filled.problem);
    else if ('tag' in filled) tags.push({ tag: `${prefix}${filled.tag}`, field });
  }
  return { tags, problems };
}

function checkTag(tag: string, project: Project, field: string, problems: Problem[]): void {
  if (isValidOciTag(tag)) return;
  const tooLong = tag.length > MAX_TAG_LENGTH;
  problems.push({
    file: project.file,
    field,
    message: tooLong
      ? `tag "${tag}" is ${tag.length} characters; registries accept at most ${MAX_TAG_LENGTH}`
      : `tag "${tag}" is not a valid OCI tag`,
    hint: tooLong
      ? 'shorten the project name, the additional tag or the tag template'
      : 'tags use letters, digits, "_", "." and "-", and do not start with "." or "-"',
  });
}

/** The tags a build of `project` gets; `problems` lists every tag that is not a valid OCI tag. */
export function computeTags(input: ComputeTagsInput): { tags: ProjectTags; problems: Problem[] } {
  const { project, settings, commitSha } = input;
  // Template problems are reported once per plan by the caller (templateProblems), not per project.
  const problems: Problem[] = [];
  const rendered = renderTemplate(settings.tagTemplate, {
    project: project.name,
    date: utcDate(input.created),
    shortsha: commitSha.slice(0, SHORT_SHA_LENGTH),
    sha: commitSha,
    pipeline: input.pipelineId,
  });
  // 40 characters of the slug keep room for the architecture suffix within the 128 of a tag.
  const slug = input.refSlug?.slice(0, 40).replace(/-+$/, '');
  const defaultTag = slug ? `${rendered}-ref-${slug}` : rendered;
  checkTag(defaultTag, project, 'tag_template', problems);

  const perArch = project.config.platforms.map((platform) => {
    const arch = archSuffix(platform);
    const tag = `${defaultTag}-${arch}`;
    checkTag(tag, project, 'platforms', problems);
    return { platform, arch, tag };
  });

  // Checked even where they are skipped: a bad tag fails the merge request, not the merge.
  const filled = additionalTagsOf(project, settings);
  problems.push(...filled.problems);
  const extra = filled.tags.map(({ tag, field }) => {
    checkTag(tag, project, field, problems);
    return tag;
  });
  const [additional, skipped] = input.refSlug === undefined ? [extra, []] : [[], extra];
  return { tags: { default: defaultTag, perArch, additional, skipped }, problems };
}

/**
 * The projects whose tags could equal a tag of one of `selected`, in the same repository. With a
 * template that starts with `{project}-` every tag of project P starts with `P-`, so two projects'
 * tags can only meet when one name is the other's plus a dash and more (`web` and `web-api`);
 * with any other template every project is a candidate. Per-project repositories never share.
 */
export function tagNeighbours(
  selected: readonly string[],
  all: readonly string[],
  settings: Pick<Settings, 'tagTemplate' | 'repositoryMode' | 'prefixAdditionalTags'>,
): string[] {
  if (settings.repositoryMode === 'per-project') return [];
  const chosen = new Set(selected);
  // Without the prefix, additional tags (latest) of any two projects can meet.
  if (!prefixesAdditionalTags(settings)) return all.filter((name) => !chosen.has(name));
  if (!settings.tagTemplate.startsWith('{project}-')) return all.filter((name) => !chosen.has(name));
  const related = (a: string, b: string) => a.startsWith(`${b}-`) || b.startsWith(`${a}-`);
  return all.filter((name) => !chosen.has(name) && selected.some((s) => related(s, name)));
}

export interface TagOwner {
  project: Project;
  repository: string;
  tags: ProjectTags;
}

/**
 * The tags two of `projects` would both write, every tag included (release tags count even where a
 * pipeline would skip them, so a merge request is refused before the merge). `pipeline` dates the
 * default tags; `mustInvolve` as in tagCollisions.
 */
export function sharedTagProblems(
  projects: readonly Project[],
  settings: Pick<Settings, 'tagTemplate' | 'repositoryMode' | 'registry'>,
  pipeline: Pick<ComputeTagsInput, 'created' | 'commitSha' | 'pipelineId'>,
  mustInvolve?: ReadonlySet<string>,
): Problem[] {
  const owners = projects.map((project) => ({
    project,
    repository: imageRepository(settings, project.name),
    tags: computeTags({ project, settings, ...pipeline }).tags,
  }));
  return tagCollisions(owners, mustInvolve);
}

/**
 * Every tag two projects would both write to one repository (`web` + `api-latest` and `web-api` +
 * `latest` both make `web-api-latest`: the last manifest job would win). With `mustInvolve`, only
 * collisions that touch one of those projects are reported.
 */
export function tagCollisions(owners: readonly TagOwner[], mustInvolve?: ReadonlySet<string>): Problem[] {
  const writers = new Map<string, { project: Project; field: string }>();
  const problems: Problem[] = [];
  for (const { project, repository, tags } of owners) {
    const written: [string, string][] = [
      [tags.default, 'tag_template'],
      ...tags.perArch.map(({ tag }): [string, string] => [tag, 'platforms']),
      ...tags.additional.map((tag, index): [string, string] => [tag, `additional_tags[${index}]`]),
    ];
    for (const [tag, field] of written) {
      const key = `${repository}:${tag}`;
      const first = writers.get(key);
      if (!first) {
        writers.set(key, { project, field });
        continue;
      }
      if (first.project.name === project.name) continue;
      if (mustInvolve && !mustInvolve.has(first.project.name) && !mustInvolve.has(project.name)) continue;
      problems.push({
        file: project.file,
        field,
        message: `tag "${tag}" of ${repository} is also written by project ${first.project.name} (${first.project.file}: ${first.field}); the last manifest job would win`,
        hint: 'rename one of the two tags, or the project, so every tag belongs to one project',
      });
    }
  }
  return problems;
}
