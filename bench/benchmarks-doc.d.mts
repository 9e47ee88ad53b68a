/** Replaces the section of docs/benchmarks.md starting with `heading` (up to the next `## `), or appends it. */
export function writeBenchmarkSection(heading: string, section: string, root?: string): void;
/** The median of `values` (the upper middle one for an even count), without sorting `values` itself. */
export function median(values: readonly number[]): number;
/** The number after `name` on the command line (`--rounds 5`), or `fallback`. */
export function numberArg(name: string, fallback: number): number;
