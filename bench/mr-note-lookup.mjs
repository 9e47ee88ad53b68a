// Benchmark: finding kiln's plan note on a merge request with a long discussion (2,000 notes, kiln's
// posted early, as it is on the first pipeline). kiln reads pages oldest first only until it finds
// the note; the baseline lists every note (gitbeaker's default auto-pagination), as a plain
// `MergeRequestNotes.all` would. Both run in this process against the same local server that pages
// like GitLab's REST API (test/integration/gitlab/schedules-notes-stub.ts), alternating, so the
// ratio holds on a noisy machine. Writes its section of docs/benchmarks.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBenchmarkSection } from './benchmarks-doc.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOTES = 2000;
const KILN_NOTE_AT = 3;
const ROUNDS = 15;
const TOKEN = 'glpat-bench-token-0123456789';

// The TypeScript sources, bundled once for this run (the CLI bundle does not export them).
const out = mkdtempSync(path.join(tmpdir(), 'kiln-bench-note-'));
await build({
  entryPoints: {
    'mr-note': path.join(ROOT, 'src/gitlab/mr-note.ts'),
    client: path.join(ROOT, 'src/gitlab/client.ts'),
    stub: path.join(ROOT, 'test/integration/gitlab/schedules-notes-stub.ts'),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS dependencies still call require() (as in scripts/build.mjs).
  banner: {
    js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const { postPlanNote, PLAN_NOTE_MARKER, planNoteBody } = await import(path.join(out, 'mr-note.mjs'));
const { createGitlabClient } = await import(path.join(out, 'client.mjs'));
const { startSchedulesNotesStub } = await import(path.join(out, 'stub.mjs'));

const body = planNoteBody({ table: 'PROJECT  REASON\nnginx    changed' });
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

async function timed(fn) {
  const before = stub.requests.length;
  const start = process.hrtime.bigint();
  await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, requests: stub.requests.length - before };
}

const kiln = [];
const baseline = [];
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
        if (!all.find((n) => n.body.includes(PLAN_NOTE_MARKER)))
          throw new Error('baseline did not find the note');
      }),
    );
  }
} finally {
  await stub.stop();
  rmSync(out, { recursive: true, force: true });
}

const median = (runs) => [...runs.map((r) => r.ms)].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const k = median(kiln);
const b = median(baseline);
const section = [
  '## MR plan note lookup',
  '',
  `\`node bench/mr-note-lookup.mjs\` — find kiln's note among ${NOTES} merge-request notes (kiln's is note ${KILN_NOTE_AT + 1}),`,
  `local server paging like GitLab (100 per page), median of ${ROUNDS} alternating rounds.`,
  '',
  '| approach | requests | median | ratio |',
  '| --- | --- | --- | --- |',
  `| baseline: list every note, then search | ${baseline[0].requests} | ${b.toFixed(1)} ms | 1.00 |`,
  `| kiln: oldest pages first, stop when found | ${kiln[0].requests} | ${k.toFixed(1)} ms | ${(k / b).toFixed(2)} |`,
  '',
].join('\n');
console.log(section);

writeBenchmarkSection('## MR plan note lookup', section);
