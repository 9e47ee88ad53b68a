// depends_on: a project waits for the images it builds on and is rebuilt when one of them is.
// Pure: projects in, names out. A cycle or an unknown name is a config error that says which.
import { KilnError, type Problem, throwIfProblems } from '../errors.js';
import type { SelectableProject } from '../types.js';

/** Throws CONFIG_INVALID for unknown depends_on names and for any cycle, naming it `a → b → a`. */
export function checkDependencies(projects: readonly SelectableProject[]): void {
  const byName = new Map(projects.map((p) => [p.name, p]));
  const problems: Problem[] = [];
  for (const project of projects) {
    project.config.depends_on.forEach((dep, i) => {
      if (byName.has(dep)) return;
      problems.push({
        file: project.file,
        field: `depends_on[${i}]`,
        message: `unknown project "${dep}"`,
        hint:
          dep === project.name
            ? 'a project cannot depend on itself'
            : 'use the folder name of another project',
      });
    });
  }
  throwIfProblems('CONFIG_INVALID', 'invalid depends_on', problems);

  const cycle = findCycle(byName);
  if (cycle) {
    const first = byName.get(cycle[0]!)!;
    throw new KilnError('CONFIG_INVALID', `depends_on cycle: ${cycle.join(' → ')}`, {
      where: { file: first.file, field: 'depends_on' },
      hint: 'a project cannot (indirectly) wait for itself; remove one of these depends_on entries',
    });
  }
}

/** The first cycle met walking the projects (and their depends_on) in name order, as `a, b, a`. */
function findCycle(byName: Map<string, SelectableProject>): string[] | undefined {
  const done = new Set<string>();
  // Its own stack, not recursion: a chain a few thousand projects deep would overflow the call stack.
  for (const root of [...byName.keys()].sort()) {
    if (done.has(root)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    const unvisited: string[][] = [];
    const enter = (name: string) => {
      onPath.set(name, path.length);
      path.push(name);
      unvisited.push([...(byName.get(name)?.config.depends_on ?? [])].sort().reverse());
    };
    enter(root);
    while (path.length > 0) {
      const dep = unvisited.at(-1)!.pop();
      if (dep === undefined) {
        const name = path.pop()!;
        unvisited.pop();
        onPath.delete(name);
        done.add(name);
      } else if (!done.has(dep)) {
        const at = onPath.get(dep);
        if (at !== undefined) return [...path.slice(at), dep];
        enter(dep);
      }
    }
  }
  return undefined;
}

/** name → the projects that depend on it directly. */
export function dependentsOf(projects: readonly SelectableProject[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const project of projects) {
    for (const dep of project.config.depends_on) {
      const list = dependents.get(dep);
      if (list) list.push(project.name);
      else dependents.set(dep, [project.name]);
    }
  }
  return dependents;
}

/**
 * Orders `names` so every project comes after the ones it depends on (among `names`), ties by name.
 * Call checkDependencies first: with a cycle this would drop the projects on it.
 */
export function dependencyOrder(names: Iterable<string>, projects: readonly SelectableProject[]): string[] {
  const wanted = new Set(names);
  const byName = new Map(projects.map((p) => [p.name, p]));
  const waitingOn = new Map<string, number>();
  for (const name of wanted) {
    const deps = byName.get(name)?.config.depends_on ?? [];
    waitingOn.set(name, new Set(deps.filter((d) => wanted.has(d))).size);
  }
  const dependents = dependentsOf(projects.filter((p) => wanted.has(p.name)));
  const ready = [...wanted].filter((n) => waitingOn.get(n) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const dependent of new Set(dependents.get(name) ?? [])) {
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) insertSorted(ready, dependent);
    }
  }
  return order;
}

function insertSorted(list: string[], value: string): void {
  let i = 0;
  while (i < list.length && list[i]! < value) i++;
  list.splice(i, 0, value);
}
