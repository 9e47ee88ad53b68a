// GitLab's `extends:` as GitLab resolves it (https://docs.gitlab.com/ci/yaml/#extends): the bases
// in order, then the job's own keys, merged deeply for hashes and replaced for everything else
// (arrays included); at most 11 levels; hidden jobs (`.name`) are not jobs. Tests read a child
// pipeline through this, since GitLab runs the resolved jobs; the end-to-end tests run the real
// resolution in gitlab-ci-local.
type Hash = Record<string, unknown>;

const isHash = (value: unknown): value is Hash =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function deepMerge(base: Hash, over: Hash): Hash {
  const out: Hash = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isHash(current) && isHash(value) ? deepMerge(current, value) : value;
  }
  return out;
}

const MAX_LEVELS = 11;

/** The pipeline's visible jobs with `extends:` resolved; other top-level keys as they are. */
export function resolveExtends(doc: Hash): Hash {
  const resolve = (name: string, level: number): Hash => {
    const job = doc[name];
    if (!isHash(job)) throw new Error(`extends: ${name} is not a job`);
    const { extends: bases, ...own } = job;
    if (bases === undefined) return own;
    if (level >= MAX_LEVELS)
      throw new Error(`${name}: nesting too deep (GitLab resolves ${MAX_LEVELS} levels)`);
    let merged: Hash = {};
    for (const base of Array.isArray(bases) ? bases : [bases]) {
      if (typeof base !== 'string' || !(base in doc))
        throw new Error(`${name}: unknown key in extends: ${String(base)}`);
      merged = deepMerge(merged, resolve(base, level + 1));
    }
    return deepMerge(merged, own);
  };
  return Object.fromEntries(
    Object.entries(doc)
      .filter(([name]) => !name.startsWith('.'))
      .map(([name, value]) => [name, isHash(value) && 'extends' in value ? resolve(name, 1) : value]),
  );
}
