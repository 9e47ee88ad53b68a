// Deep and wide depends_on graphs: the checks and the order hold without a call stack per level.
import { describe, expect, test } from 'vitest';
import { KilnError } from '../../../src/errors.js';
import { checkDependencies, dependencyOrder, dependentsOf } from '../../../src/select/dependency-order.js';
import type { SelectableProject } from '../../../src/types.js';

const name = (i: number) => `p${String(i).padStart(6, '0')}`;
const node = (n: string, depends_on: string[] = []): SelectableProject => ({
  name: n,
  dir: `projects/${n}`,
  file: `projects/${n}/build-config.yaml`,
  config: { depends_on, watch_paths: [] },
});
/** p000000 → p000001 → …: each project depends on the next, so a walk in name order goes all the way down. */
const chain = (length: number) =>
  Array.from({ length }, (_, i) => node(name(i), i === length - 1 ? [] : [name(i + 1)]));

describe('checkDependencies and dependencyOrder: deep chains', () => {
  // Far deeper than any monorepo, deep enough to overflow a recursive walk (about 10,000 frames).
  const DEPTH = 100_000;

  test('a 100,000-deep chain is accepted and ordered from the bottom', () => {
    const projects = chain(DEPTH);
    expect(() => checkDependencies(projects)).not.toThrow();
    const order = dependencyOrder(
      projects.map((p) => p.name),
      projects,
    );
    expect(order).toHaveLength(DEPTH);
    expect(order.slice(0, 2)).toEqual([name(DEPTH - 1), name(DEPTH - 2)]);
    expect(order.at(-1)).toBe(name(0));
  });

  test('closing the chain into a cycle is a located error that names the whole cycle', () => {
    const projects = chain(DEPTH);
    projects[DEPTH - 1] = node(name(DEPTH - 1), [name(0)]);
    let error: unknown;
    try {
      checkDependencies(projects);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KilnError);
    const kiln = error as KilnError;
    expect(kiln.code).toBe('CONFIG_INVALID');
    expect(kiln.where).toEqual({ file: `projects/${name(0)}/build-config.yaml`, field: 'depends_on' });
    expect(kiln.message).toMatch(new RegExp(`^depends_on cycle: ${name(0)} → ${name(1)} → .* → ${name(0)}$`));
    expect(kiln.message.split(' → ')).toHaveLength(DEPTH + 1);
  });

  test('the cycle named is the one the walk meets first, in name order', () => {
    const projects = [
      node('a', ['b']),
      node('b', ['c', 'x']),
      node('c', ['b']),
      node('x', ['y']),
      node('y', ['x']),
    ];
    expect(() => checkDependencies(projects)).toThrow('depends_on cycle: b → c → b');
  });
});

describe('dependentsOf and dependencyOrder: wide graphs', () => {
  test('5,000 projects on one base: every one listed once, the base first', () => {
    const projects = [node('base'), ...Array.from({ length: 5000 }, (_, i) => node(name(i), ['base']))];
    expect(dependentsOf(projects).get('base')).toHaveLength(5000);
    const order = dependencyOrder(
      projects.map((p) => p.name),
      projects,
    );
    expect(order).toHaveLength(5001);
    expect(order[0]).toBe('base');
    expect(new Set(order).size).toBe(5001);
  });
});
