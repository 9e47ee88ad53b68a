// Benchmark: `kiln manifest` for one project (2 architectures, 4 tags) against the same result made
// with `buildah manifest create/add/push` plus pushing the list under each further tag, and with
// crane alone (`crane index append` + `crane tag`, built from the Go module proxy). Same
// registry, same run, each side on fresh repositories; both go through a counting proxy, so the
// HTTP requests each makes are counted too. Results go to docs/benchmarks.md (own section).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createMemoryLogger } from '../src/log.js';
import { runManifest } from '../src/manifest/run-manifest.js';
import { startFaultProxy } from '../test/harness/fault-proxy.js';
import { preparePipeline } from '../test/harness/manifest-fixture.js';
import { createImageBuilder, isolatedBuildah, startRegistry } from '../test/harness/registry.js';
import { writeBenchmarkSection } from './benchmarks-doc.mjs';

const run = promisify(execFile);
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const TAGS = ['web-20261123-abc1234', 'web-latest', 'web-v1', 'web-stable'];
declare const KILN_BENCH_ROOT: string;
const root = KILN_BENCH_ROOT;
const kiln = path.join(root, 'dist', 'kiln.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const CRANE_VERSION = 'v0.22.1';

/** crane from the Go module proxy, built once into node_modules/.cache/go-bin. */
async function ensureCrane(): Promise<string> {
  const bin = path.join(root, 'node_modules', '.cache', 'go-bin');
  const crane = path.join(bin, 'crane');
  if (!existsSync(crane)) {
    await run('go', ['install', `github.com/google/go-containerregistry/cmd/crane@${CRANE_VERSION}`], {
      env: { ...process.env, GOBIN: bin },
    });
  }
  return crane;
}

async function main() {
  const registry = await startRegistry();
  const builder = await createImageBuilder();
  const proxy = await startFaultProxy({ target: registry.host, rate: 0 });
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-bench-manifest-'));
  const buildah = isolatedBuildah(dir);
  const kilnMs: number[] = [];
  const buildahMs: number[] = [];
  const inProcessMs: number[] = [];
  const startupMs: number[] = [];
  const craneMs: number[] = [];
  const kilnRequestCounts: number[] = [];
  const buildahRequestCounts: number[] = [];
  const craneRequestCounts: number[] = [];
  const crane = await ensureCrane();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Same input for both: two pushed per-arch images each (fresh repositories, nothing tagged yet).
      const kilnDir = path.join(dir, `kiln-${round}`);
      const prepare = (side: string) =>
        preparePipeline({
          registry,
          builder,
          dir: path.join(dir, `${side}-${round}`),
          project: 'web',
          name: `bench/${side}${round}`,
          defaultTag: TAGS[0] ?? '',
          extraTags: TAGS.slice(1),
          created: '2026-11-23T10:00:00Z',
        });
      const a = await prepare('kiln');
      const b = await prepare('buildah');
      const c = await prepare('lib');
      const d = await prepare('crane');
      const spec = { ...a.spec, repository: `${proxy.host}/bench/kiln${round}` };
      const specFile = path.join(kilnDir, 'spec.json');
      await writeFile(specFile, JSON.stringify(spec));

      // Alternate who goes first, so neither always gets the warmer registry.
      const sides = [
        async () => {
          proxy.resetStats();
          const start = performance.now();
          await run(
            'node',
            [
              kiln,
              'manifest',
              '--project',
              'web',
              '--spec',
              specFile,
              '--report',
              path.join(dir, `r${round}.json`),
              '--annotations',
              path.join(dir, `a${round}.json`),
            ],
            { cwd: kilnDir },
          );
          kilnMs.push(performance.now() - start);
          kilnRequestCounts.push(proxy.stats.requests);
        },
        async () => {
          proxy.resetStats();
          const repo = `${proxy.host}/bench/buildah${round}`;
          const list = `localhost/bench-list-${round}`;
          const start = performance.now();
          await buildah(['manifest', 'create', list]);
          for (const arch of ['amd64', 'arm64']) {
            await buildah([
              'manifest',
              'add',
              '--tls-verify=false',
              list,
              `docker://${repo}@${b.digests[arch]}`,
            ]);
          }
          for (const tag of TAGS) {
            await buildah([
              'manifest',
              'push',
              '--tls-verify=false',
              '--quiet',
              list,
              `docker://${repo}:${tag}`,
            ]);
          }
          buildahMs.push(performance.now() - start);
          buildahRequestCounts.push(proxy.stats.requests);
          await buildah(['manifest', 'rm', list]).catch(() => undefined);
        },
        async () => {
          // crane alone (issue 8's baseline): one index of the two children by digest, pushed
          // under the default tag, then `crane tag` for each further tag.
          proxy.resetStats();
          const repo = `${proxy.host}/bench/crane${round}`;
          const start = performance.now();
          await run(crane, [
            'index',
            'append',
            '--insecure',
            '-m',
            `${repo}@${d.digests['amd64']}`,
            '-m',
            `${repo}@${d.digests['arm64']}`,
            '-t',
            `${repo}:${TAGS[0]}`,
          ]);
          for (const tag of TAGS.slice(1)) await run(crane, ['tag', '--insecure', `${repo}:${TAGS[0]}`, tag]);
          craneMs.push(performance.now() - start);
          craneRequestCounts.push(proxy.stats.requests);
        },
        async () => {
          // The same steps in this process: the registry work without Node's start-up.
          const start = performance.now();
          const log = createMemoryLogger();
          await runManifest({
            spec: { ...c.spec, repository: `${proxy.host}/bench/lib${round}` },
            ctx: { cwd: path.join(dir, `lib-${round}`), env: {}, now: new Date(), log },
          });
          inProcessMs.push(performance.now() - start);
        },
        async () => {
          const start = performance.now();
          await run('node', [kiln, '--version']);
          startupMs.push(performance.now() - start);
        },
      ];
      if (round % 2) sides.reverse();
      for (const side of sides) await side();

      // Both must have produced the same thing: every tag at a 2-arch index.
      for (const [repo, label] of [
        [`bench/kiln${round}`, 'kiln'],
        [`bench/lib${round}`, 'kiln in-process'],
        [`bench/buildah${round}`, 'buildah'],
        [`bench/crane${round}`, 'crane'],
      ] as const) {
        for (const tag of TAGS) {
          const response = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
            headers: {
              accept:
                'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
            },
          });
          const index = (await response.json()) as { manifests?: unknown[] };
          if (index.manifests?.length !== 2)
            throw new Error(`${label}: ${repo}:${tag} is not a 2-arch index`);
        }
      }
    }
  } finally {
    await proxy.stop();
    await registry.stop();
    await builder.cleanup();
    await rm(dir, { recursive: true, force: true });
  }

  const k = median(kilnMs);
  const bh = median(buildahMs);
  const ratio = k / bh;
  const kilnRequests = median(kilnRequestCounts);
  const buildahRequests = median(buildahRequestCounts);
  const lib = median(inProcessMs);
  const boot = median(startupMs);
  const cr = median(craneMs);
  const craneRequests = median(craneRequestCounts);
  const section = [
    '## kiln manifest vs buildah manifest (issue 5)',
    '',
    `\`node bench/run-ts.mjs bench/manifest-bench.ts\` (after \`npm run build\`) — one project, 2 architectures (amd64, arm64), ${TAGS.length} tags, local`,
    '`distribution` registry behind a counting proxy, median of ' +
      `${ROUNDS} rounds, fresh repositories each round, sides alternating.`,
    'Baseline: `buildah manifest create` + `manifest add` ×2 (children by digest) + `manifest push` once per tag.',
    'Both include process start-up (kiln runs as `node dist/kiln.js`, the way the CI job runs it).',
    '',
    '| | median wall time | HTTP requests (median) |',
    '| --- | --- | --- |',
    `| buildah (baseline) | ${bh.toFixed(0)} ms | ${buildahRequests} |`,
    `| crane ${CRANE_VERSION} alone (\`index append\` + \`tag\` ×${TAGS.length - 1}; issue 8's baseline) | ${cr.toFixed(0)} ms | ${craneRequests} |`,
    `| \`kiln manifest\` (CLI, \`node dist/kiln.js\`) | ${k.toFixed(0)} ms | ${kilnRequests} |`,
    `| of which Node + bundle start-up (\`node dist/kiln.js --version\`) | ${boot.toFixed(0)} ms | 0 |`,
    `| kiln's registry work in-process (\`runManifest\`, no start-up) | ${lib.toFixed(0)} ms | ${kilnRequests} |`,
    '',
    `**Ratio kiln CLI / buildah: ${ratio.toFixed(2)}** (target ≤ 0.50: ${ratio <= 0.5 ? 'met' : 'NOT met'}); ` +
      `**in-process / buildah: ${(lib / bh).toFixed(2)}**. ` +
      `**Ratio kiln CLI / crane: ${(k / cr).toFixed(2)}** (issue 16's target ≤ 1.00: ${k <= cr ? 'met' : 'NOT met'}; manifest-tool, the other baseline, is not served by the Go module proxy). ` +
      `Measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'Reading: the registry work meets the targets with room to spare (children fetched in parallel, tags pushed',
    'in parallel, one token per scope, node:http with keep-alive). End to end they are missed because a Node',
    "process costs a large share of buildah's or crane's whole run before kiln loads a line (`node -e ''`, see",
    '"Start-up" below), and the manifest command then loads its modules (the registry client; no zod since issue',
    '16) on top. The split bundle already loads only those; a resident process is what would meet the targets. kiln makes a few more requests',
    'than buildah because it reads every tag before moving it (floating tags never move backwards) and',
    "reads each tag back after the PUT (one more now and then: distribution's filesystem driver answers a",
    'read-back racing a sibling tag PUT with a 500, which kiln retries).',
    '',
  ].join('\n');
  console.log(section);

  writeBenchmarkSection('## kiln manifest vs buildah manifest', section, root);
}

await main();
