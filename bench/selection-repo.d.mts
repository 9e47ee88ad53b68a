/** The selection benchmark's monorepo layout (BENCH_PROJECTS projects, 10,000 commits). */
export const LAYOUT: { projects: number; commits: number; changedProjects: number; version: number };
/** Generates (or reuses, cached under /tmp) the monorepo; `base` and `head` bound the measured push. */
export function benchRepo(): Promise<{ repo: string; base: string; head: string; commits: number }>;
