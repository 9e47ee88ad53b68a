/** Replaces the section of docs/benchmarks.md starting with `heading` (up to the next `## `), or appends it. */
export function writeBenchmarkSection(heading: string, section: string, root?: string): void;
