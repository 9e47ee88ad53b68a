// Properties of the pure selection step over random projects, dependency graphs and changes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { selectProjects } from '../../../src/select/select-projects.js';
import type { FileChange } from '../../../src/types.js';
import { project } from '../plan/fixtures.js';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];
const rules = { projectsDir: 'projects', ignore: ['**/*.md'], globalPaths: [] };

// Acyclic by construction: a project may depend only on projects earlier in NAMES.
const graph = fc.tuple(...NAMES.map((_, i) => fc.subarray(NAMES.slice(0, i))));
const change = fc.record({
  status: fc.constantFrom<FileChange['status']>('A', 'M', 'D'),
  path: fc
    .tuple(fc.constantFrom(...NAMES, 'zz'), fc.constantFrom('Dockerfile', 'a/b.conf', 'README.md'))
    .map(([name, file]) => `projects/${name}/${file}`),
});

describe('selectProjects (properties)', () => {
  test('every selected project has a reason, exists, comes after its selected dependencies, and its dependents follow it', () => {
    fc.assert(
      fc.property(graph, fc.array(change, { maxLength: 12 }), (deps, changes) => {
        const projects = NAMES.map((name, i) => project(name, { depends_on: deps[i]! }));
        const s = selectProjects({ trigger: 'push', projects, rules, source: { kind: 'changes', changes } });
        const order = s.projects.map((p) => p.name);
        expect(new Set(order).size).toBe(order.length);
        for (const [i, selected] of s.projects.entries()) {
          expect(selected.reasons.length).toBeGreaterThan(0);
          expect(NAMES).toContain(selected.name);
          for (const dep of deps[NAMES.indexOf(selected.name)]!) {
            if (order.includes(dep)) expect(order.indexOf(dep)).toBeLessThan(i);
          }
        }
        // Closed under dependents: whoever depends on a selected project is selected too.
        for (const [i, name] of NAMES.entries()) {
          if (deps[i]!.some((d) => order.includes(d))) expect(order).toContain(name);
        }
        // A project is selected only if a non-doc file of it (or of a dependency) changed.
        const touched = new Set(
          changes.filter((c) => !c.path.endsWith('.md')).map((c) => c.path.split('/')[1]!),
        );
        for (const selected of s.projects) {
          const direct = touched.has(selected.name);
          const viaDependency = selected.reasons.some((r) => r.kind === 'dependency');
          expect(direct || viaDependency).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
