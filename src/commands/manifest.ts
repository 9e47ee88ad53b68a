// kiln manifest --project NAME [--spec FILE] [--report FILE] [--annotations FILE] [--dotenv FILE]
// The manifest:<project> CI job: joins the per-architecture images into one index by digest and
// pushes every tag. Thin: reads the spec, runs the steps, writes the report files.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { signingPreflight } from '../attest/preflight.js';
import type { Context } from '../context.js';
import { KilnError, usageError } from '../errors.js';
import { parseManifestSpec } from '../manifest/manifest-spec.js';
import {
  buildAnnotations,
  buildDotenv,
  imageUrl,
  MANIFEST_ANNOTATIONS,
  MANIFEST_DOTENV,
  manifestReportFile,
} from '../manifest/report.js';
import { runManifest } from '../manifest/run-manifest.js';
import type { ManifestSpec } from '../types.js';
import { banner } from '../version.js';
import { type Command, parseFlags } from './command.js';

const SPEC_VARIABLE = 'KILN_MANIFEST_SPEC';

const HELP = `Usage: kiln manifest --project NAME [--spec FILE] [--report FILE] [--annotations FILE]
                     [--dotenv FILE]

Assembles the multi-arch image index of one project from the digests its build jobs left as
artifacts, pushes it under every tag and writes a report. Nothing is pushed unless every
architecture was built and each image really is the platform it was built for.

Options:
  --project NAME       the project (must match the spec)
  --spec FILE          the manifest spec as JSON (default: the ${SPEC_VARIABLE} variable)
  --report FILE        where to write the report (default: kiln-reports/<project>.json)
  --annotations FILE   GitLab job annotations report (default: manifest-annotations.json)
  --dotenv FILE        GitLab dotenv report, KILN_IMAGE_<PROJECT>=repository@digest
                       (default: kiln-image.env)

Registry credentials, first found: KILN_REGISTRY_USER + KILN_REGISTRY_PASSWORD; an ECR token
(AWS default credential chain) for *.dkr.ecr.*.amazonaws.com; CI_REGISTRY_USER/CI_REGISTRY_PASSWORD
for $CI_REGISTRY; REGISTRY_AUTH_FILE, containers auth.json, $DOCKER_CONFIG/config.json,
~/.docker/config.json; else anonymous.

Floating tags never move backwards: a tag whose current index is newer than this pipeline stays.
Rerunning the job is safe: tags already at this index are left alone.`;

/**
 * GIT_STRATEGY none keeps the runner's workspace, and with it reports earlier pipelines' manifest
 * jobs wrote there: they would ride along in this job's artifacts. Reports of this pipeline (its
 * sibling jobs, in a shared checkout) stay. A file that is no report is left for kiln summary to
 * refuse by name.
 */
async function removeStaleReports(dir: string, pipelineId: string | undefined, ctx: Context): Promise<void> {
  if (!pipelineId) return;
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    let written: unknown;
    try {
      written = (JSON.parse(await readFile(file, 'utf8')) as { pipelineId?: unknown }).pipelineId;
    } catch {
      continue;
    }
    if (written === pipelineId) continue;
    await rm(file, { force: true });
    ctx.log.info(`removed ${path.relative(ctx.cwd, file)}, a report of another pipeline`);
  }
}

/**
 * The spec of `project` from --spec FILE or KILN_MANIFEST_SPEC (what kiln prepare rendered into
 * the job), checked; the job log's first line says which kiln reads it from where.
 */
export async function readSpec(
  project: string,
  file: string | undefined,
  ctx: Context,
  command: string,
): Promise<ManifestSpec> {
  let text: string;
  let source: string;
  if (file) {
    source = file;
    try {
      text = await readFile(path.resolve(ctx.cwd, source), 'utf8');
    } catch (error) {
      throw new KilnError('MANIFEST_FAILED', `cannot read the manifest spec ${source}`, { cause: error });
    }
  } else {
    source = SPEC_VARIABLE;
    text = ctx.env[SPEC_VARIABLE] ?? '';
    if (!text) throw usageError(`no manifest spec: pass --spec FILE or set ${SPEC_VARIABLE}`);
  }
  ctx.log.info(banner(command, `project ${project}; spec from ${source} (written by kiln prepare)`));
  const spec = parseManifestSpec(text, source);
  if (spec.project !== project) {
    throw new KilnError(
      'MANIFEST_FAILED',
      `${source} is the spec of project "${spec.project}", not "${project}"`,
      {
        where: { file: source, field: 'project' },
      },
    );
  }
  return spec;
}

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'CI job: assemble and push the multi-arch index and tags',
  help: HELP,
  async run(argv, ctx) {
    const flags = parseFlags(
      argv,
      {
        project: { type: 'string' },
        spec: { type: 'string' },
        report: { type: 'string' },
        annotations: { type: 'string' },
        dotenv: { type: 'string' },
      },
      'manifest',
    );
    const project = flags.values.project;
    if (!project) throw usageError('--project is required', 'kiln manifest --project NAME');

    const spec = await readSpec(project, flags.values.spec, ctx, 'manifest');
    // Signing on: what kiln attest will need is checked now, before anything is pushed.
    if (spec.signing) signingPreflight(spec.signing, ctx.env, existsSync);

    const report = await runManifest({ spec, ctx });
    const reportFile = path.resolve(ctx.cwd, flags.values.report ?? manifestReportFile(project));
    await mkdir(path.dirname(reportFile), { recursive: true });
    if (!flags.values.report) await removeStaleReports(path.dirname(reportFile), report.pipelineId, ctx);
    // Whole or not at all (a temporary file, renamed): a sibling job reading the folder never
    // sees half a report.
    const partial = `${reportFile}.${process.pid}.tmp`;
    await writeFile(partial, `${JSON.stringify(report, null, 2)}\n`);
    await rename(partial, reportFile);
    const url = imageUrl({
      repository: spec.repository,
      digest: report.indexDigest,
      insecure: spec.insecureRegistry,
      gitlab: { registry: ctx.env['CI_REGISTRY'], projectUrl: ctx.env['CI_PROJECT_URL'] },
    });
    const annotationsFile = path.resolve(ctx.cwd, flags.values.annotations ?? MANIFEST_ANNOTATIONS);
    await writeFile(annotationsFile, `${JSON.stringify(buildAnnotations(report, url), null, 2)}\n`);
    await writeFile(path.resolve(ctx.cwd, flags.values.dotenv ?? MANIFEST_DOTENV), buildDotenv(report));
    ctx.log.out(`${spec.repository}@${report.indexDigest}`);
    return 0;
  },
};
