// The picture of the pipeline page in the README, drawn from a real run (pure): the jobs and their
// `needs:` from the child pipeline kiln prepare wrote, each job's result and duration from
// gitlab-ci-local's output. Columns follow the DAG as GitLab's "job dependencies" view lays it out:
// a job stands one column right of the last job it needs; the summary job, which needs nothing but
// waits for its stage, stands last. `npm run demo -- --picture FILE` writes it.
import { parse } from 'yaml';
import { resolveExtends } from '../test/harness/gitlab-extends.js';

export interface PictureJob {
  name: string;
  needs: string[];
  /** Waits for every job of the earlier stages instead of `needs:` (drawn dashed). */
  afterStage: boolean;
  result?: { passed: boolean; duration: string };
  /** Shown where a job without a result of its own would show its duration. */
  note?: string;
}

/** The parent pipeline's two jobs, then the child pipeline's, with results from the run's output. */
export function jobsOfRun(input: {
  childPipeline: string;
  output: string;
  parentJobs: [string, string];
}): PictureJob[] {
  const doc = resolveExtends(parse(input.childPipeline, { maxAliasCount: -1 }) as Record<string, unknown>);
  const results = new Map<string, { passed: boolean; duration: string }>();
  for (const line of input.output.split('\n')) {
    const done = /^\s*(?:\[[^\]]*\] -> )*(\S+)\s+finished in (\S+ \S+)(\s+FAIL)?/.exec(line);
    if (done?.[1] && done[2]) results.set(done[1], { passed: !done[3], duration: done[2] });
  }
  const [prepare, trigger] = input.parentJobs;
  const jobs: PictureJob[] = [
    { name: prepare, needs: [], afterStage: false },
    { name: trigger, needs: [prepare], afterStage: false, note: 'trigger: the child pipeline' },
  ];
  const childNames = Object.keys(doc).filter(
    (k) => !k.startsWith('.') && !['stages', 'variables', 'include', 'default', 'workflow'].includes(k),
  );
  const stages = (doc['stages'] as string[] | undefined) ?? ['build'];
  const needed = new Set(
    childNames.flatMap((name) =>
      ((doc[name] as { needs?: (string | { job: string })[] }).needs ?? []).map((n) =>
        typeof n === 'string' ? n : n.job,
      ),
    ),
  );
  for (const name of childNames) {
    const job = doc[name] as { needs?: (string | { job: string })[]; stage?: string };
    const needs = (job.needs ?? []).map((n) => (typeof n === 'string' ? n : n.job));
    const afterStage = job.needs === undefined && stages.indexOf(job.stage ?? 'test') > 0;
    jobs.push({
      name,
      needs: afterStage
        ? // It waits for every job of the earlier stages; drawn from the ends of their chains.
          childNames.filter(
            (other) => (doc[other] as { stage?: string }).stage !== job.stage && !needed.has(other),
          )
        : needs.length > 0
          ? needs
          : [trigger],
      afterStage,
    });
  }
  return jobs.map((job) => {
    const result = results.get(job.name);
    return result ? { ...job, result } : job;
  });
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function pipelineSvg(jobs: PictureJob[]): string {
  const column = new Map<string, number>();
  const place = (name: string, seen: string[] = []): number => {
    const known = column.get(name);
    if (known !== undefined) return known;
    const job = jobs.find((j) => j.name === name);
    if (!job || seen.includes(name)) return 0;
    const col = job.needs.length === 0 ? 0 : 1 + Math.max(...job.needs.map((n) => place(n, [...seen, name])));
    column.set(name, col);
    return col;
  };
  for (const job of jobs) place(job.name);
  const columns: PictureJob[][] = [];
  for (const job of jobs) {
    const c = column.get(job.name) ?? 0;
    columns[c] = [...(columns[c] ?? []), job];
  }
  const W = 240;
  const H = 44;
  const GAP_X = 60;
  const GAP_Y = 14;
  const position = new Map<string, { x: number; y: number }>();
  for (const [c, list] of columns.entries()) {
    const sorted = [...(list ?? [])].sort((x, y) => x.name.localeCompare(y.name));
    for (const [r, job] of sorted.entries()) {
      position.set(job.name, { x: 20 + c * (W + GAP_X), y: 50 + r * (H + GAP_Y) });
    }
  }
  const width = 40 + columns.length * (W + GAP_X) - GAP_X;
  const height = 70 + Math.max(...columns.map((l) => l.length)) * (H + GAP_Y);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="28" font-size="15" font-weight="bold">kiln: the demo's pipeline, parent then child (from a gitlab-ci-local run)</text>`,
  ];
  for (const job of jobs) {
    const to = position.get(job.name);
    for (const need of job.needs) {
      const from = position.get(need);
      if (!from || !to) continue;
      parts.push(
        `<line x1="${from.x + W}" y1="${from.y + H / 2}" x2="${to.x}" y2="${to.y + H / 2}" stroke="#868686" stroke-width="1.5"${job.afterStage ? ' stroke-dasharray="5,4"' : ''}/>`,
      );
    }
  }
  for (const job of jobs) {
    const at = position.get(job.name);
    if (!at) continue;
    const colour = job.result === undefined ? '#868686' : job.result.passed ? '#108548' : '#dd2b0e';
    const mark = job.result === undefined ? '' : job.result.passed ? '✓ ' : '✗ ';
    parts.push(
      `<rect x="${at.x}" y="${at.y}" width="${W}" height="${H}" rx="20" fill="#fafafa" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${at.x + 16}" y="${at.y + 27}" fill="${colour}">${xml(mark)}</text>`,
      `<text x="${at.x + 32}" y="${at.y + 19}" fill="#333238">${xml(job.name)}</text>`,
      `<text x="${at.x + 32}" y="${at.y + 35}" fill="#737278" font-size="11">${xml(job.result?.duration ?? job.note ?? '')}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
