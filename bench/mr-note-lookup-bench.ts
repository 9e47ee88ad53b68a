// Benchmark: finding kiln's plan note on a merge request with a long discussion (2,000 notes, kiln's
// posted early, as it is on the first pipeline). kiln reads pages oldest first only until it finds
// the note; the baseline lists every note (gitbeaker's default auto-pagination), as a plain
// `MergeRequestNotes.all` would. Both run in this process against the same local server that pages
// like GitLab's REST API (test/integration/gitlab/schedules-notes-stub.ts), alternating, so the
// ratio holds on a noisy machine. Writes its section of docs/benchmarks.md.
// Run: node bench/run-ts.mjs bench/mr-note-lookup-bench.ts
import { createGitlabClient } from '../src/gitlab/client.js';
import { PLAN_NOTE_MARKER, postPlanNote } from '../src/gitlab/mr-note.js';
import { startSchedulesNotesStub } from '../test/integration/gitlab/schedules-notes-stub.js';
import { median, writeBenchmarkSection } from './benchmarks-doc.mjs';

declare const KILN_BENCH_ROOT: string;

const NOTES = 2000;
const KILN_NOTE_AT = 3;
const ROUNDS = 15;
const TOKEN = 'glpat-bench-token-0123456789';

// Any note carrying the marker is kiln's; the body's size is that of a short plan.
const body = `${PLAN_NOTE_MARKER}\n#### kiln plan\n\n| Project | Why |\n| --- | --- |\n| nginx | changed |`;
const stub = await startSchedulesNotesStub({
  token: TOKEN,
  projectId: 42,
  projectPath: 'acme/images',
  mrIid: 7,
  notes: Array.from({ length: NOTES }, (_, i) => ({
    id: i + 1,
    body: i === KILN_NOTE_AT ? body : `comment ${i}`,
    system: false,
  })),
});
const api = createGitlabClient({ host: stub.url, token: TOKEN });

interface Run {
  ms: number;
  requests: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Run> {
  const before = stub.requests.length;
  const start = process.hrtime.bigint();
  await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, requests: stub.requests.length - before };
}

const kiln: Run[] = [];
const baseline: Run[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    kiln.push(await timed(() => postPlanNote({ api, projectId: 42, mrIid: 7, body })));
    baseline.push(
      await timed(async () => {
        const all = await api.MergeRequestNotes.all(42, 7, {
          sort: 'asc',
          orderBy: 'created_at',
          perPage: 100,
        });
        if (!all.find((n) => String(n.body).includes(PLAN_NOTE_MARKER)))
          throw new Error('baseline did not find the note');
      }),
    );
  }
} finally {
  await stub.stop();
}

const k = median(kiln.map((r) => r.ms));
const b = median(baseline.map((r) => r.ms));
const section = [
  '## MR plan note lookup',
  '',
  `\`node bench/run-ts.mjs bench/mr-note-lookup-bench.ts\` — find kiln's note among ${NOTES} merge-request notes (kiln's is note ${KILN_NOTE_AT + 1}),`,
  `local server paging like GitLab (100 per page), median of ${ROUNDS} alternating rounds.`,
  '',
  '| approach | requests | median | ratio |',
  '| --- | --- | --- | --- |',
  `| baseline: list every note, then search | ${baseline[0]?.requests} | ${b.toFixed(1)} ms | 1.00 |`,
  `| kiln: oldest pages first, stop when found | ${kiln[0]?.requests} | ${k.toFixed(1)} ms | ${(k / b).toFixed(2)} |`,
  '',
].join('\n');
console.log(section);

writeBenchmarkSection('## MR plan note lookup', section, KILN_BENCH_ROOT);
