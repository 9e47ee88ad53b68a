// The `depends_on` edges among the projects of a plan (pure), read from what the plan renders:
// each manifest job's `needs:` on the manifest jobs of its rebuilt dependencies.
import type { BuildPlan } from './types.js';

/** `[dependency, dependent]` pairs of project names, in plan order. */
export function dependencyEdges(plan: Pick<BuildPlan, 'projects'>): [string, string][] {
  const byManifest = new Map(plan.projects.map((p) => [p.manifest.name, p.name]));
  return plan.projects.flatMap((project) =>
    project.manifest.dependencyNeeds.flatMap((need): [string, string][] => {
      const dependency = byManifest.get(need);
      return dependency ? [[dependency, project.name]] : [];
    }),
  );
}
