// `{{image:NAME}}` in a build arg: the image of a dependency, fixed at plan time.
// NAME built in this pipeline → its fresh default tag (the manifest job of NAME runs first);
// NAME not rebuilt → its first additional tag, the stable name it is published under.
import type { Problem } from '../errors.js';
import type { BuildArg, Project } from '../types.js';

const PLACEHOLDER = /\{\{image:([^{}]*)\}\}/g;

export interface ImageLookup {
  /** Projects in this plan: name → `<repository>:<default tag>`. */
  planned: ReadonlyMap<string, string>;
  /** Every loaded project, by name. */
  projects: ReadonlyMap<string, Project>;
  repositoryOf(name: string): string;
  /** A project's additional tags as pushed (tags.ts additionalTagsOf): the first is its stable name. */
  stableTagOf(project: Project): string | undefined;
}

export function resolveImagePlaceholders(
  project: Project,
  lookup: ImageLookup,
  problems: Problem[],
): BuildArg[] {
  return project.config.build_args.map((arg) => {
    const field = `build_args.${arg.name}`;
    const value = arg.value.replace(PLACEHOLDER, (whole, rawName: string) => {
      const name = rawName.trim();
      const where = { file: project.file, field };
      if (!project.config.depends_on.includes(name)) {
        problems.push({
          ...where,
          message: `${whole} refers to "${name}", which is not in depends_on`,
          hint: `add "${name}" to depends_on so it is built first`,
        });
        return whole;
      }
      const fresh = lookup.planned.get(name);
      if (fresh !== undefined) return fresh;
      const dependency = lookup.projects.get(name);
      if (!dependency) {
        problems.push({ ...where, message: `${whole}: there is no project "${name}"` });
        return whole;
      }
      const stable = lookup.stableTagOf(dependency);
      if (stable === undefined) {
        problems.push({
          ...where,
          message: `${whole}: "${name}" is not rebuilt in this pipeline and has no additional tag to refer to`,
          hint: `add an additional tag (e.g. latest) to ${dependency.file}`,
        });
        return whole;
      }
      return `${lookup.repositoryOf(name)}:${stable}`;
    });
    return { name: arg.name, value };
  });
}
