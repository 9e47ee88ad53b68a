// kiln's version: package.json's, set by the bundler (scripts/build-options.mjs); 0.0.0-dev from source.
declare const KILN_VERSION: string;
export const VERSION = typeof KILN_VERSION === 'string' ? KILN_VERSION : '0.0.0-dev';

/** The first line of kiln's CI jobs: which kiln runs, and what it works from. */
export function banner(command: string, detail: string): string {
  return `kiln ${VERSION} ${command}; ${detail}`;
}
