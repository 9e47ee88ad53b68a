// Variants (pure): one build-config.yaml, several images. Each variant of project P is planned as
// a project of its own, `P-<name>`, built from P's folder with the variant's build args (merged
// over P's by name), target, platforms and additional tags. It is selected with P, with P's
// reasons, comes right after P in the plan, and is ordered after P's dependencies as P is (it has
// P's depends_on). kyma's image-builder has the same idea (variants.yaml); it replaces one folder
// per set of build args.
import { KilnError, type Problem } from '../errors.js';
import type { BuildArg, Project, Selection } from '../types.js';

export function variantName(project: string, variant: string): string {
  return `${project}-${variant}`;
}

function mergeBuildArgs(base: BuildArg[], over: BuildArg[] | undefined): BuildArg[] {
  if (!over) return base;
  const names = new Set(over.map((a) => a.name));
  return [...base.filter((a) => !names.has(a.name)), ...over];
}

/** The projects with every variant added after its project; throws when a variant's name is taken. */
export function expandVariants(projects: readonly Project[], allNames: readonly string[] = []): Project[] {
  const taken = new Set([...allNames, ...projects.map((p) => p.name)]);
  const problems: Problem[] = [];
  const out: Project[] = [];
  for (const project of projects) {
    out.push(project);
    for (const [i, variant] of project.config.variants.entries()) {
      const name = variantName(project.name, variant.name);
      if (taken.has(name)) {
        problems.push({
          file: project.file,
          field: `variants[${i}].name`,
          message: `variant "${variant.name}" would be the image ${name}, and there is a project of that name`,
          hint: 'rename the variant or the project',
        });
        continue;
      }
      taken.add(name);
      out.push({
        ...project,
        name,
        config: {
          ...project.config,
          build_args: mergeBuildArgs(project.config.build_args, variant.build_args),
          target: variant.target ?? project.config.target,
          platforms: variant.platforms ?? project.config.platforms,
          additional_tags: variant.additional_tags ?? project.config.additional_tags,
          variants: [],
        },
      });
    }
  }
  if (problems.length > 0) throw new KilnError('CONFIG_INVALID', 'invalid variants', { problems });
  return out;
}

/** The selection with each selected project's variants right after it, with its reasons. */
export function selectVariants(selection: Selection, projects: readonly Project[]): Selection {
  const byName = new Map(projects.map((p) => [p.name, p]));
  return {
    ...selection,
    projects: selection.projects.flatMap((entry) => [
      entry,
      ...(byName.get(entry.name)?.config.variants ?? []).map((v) => ({
        name: variantName(entry.name, v.name),
        reasons: entry.reasons,
      })),
    ]),
  };
}
