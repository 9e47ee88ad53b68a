// kiln summary [--reports DIR] [--output FILE] [--annotations FILE]
// The kiln:summary CI job at the end of a child pipeline: joins every manifest job's report into
// kiln-images.json, checks each image against the registry and against the dotenv variables
// GitLab handed this job, links every image from the job page, and prints a table.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { KilnError } from '../errors.js';
import { imageUrl, MANIFEST_REPORTS_DIR, type ManifestReport } from '../manifest/report.js';
import { connectRegistry } from '../manifest/run-manifest.js';
import {
  checkDotenv,
  IMAGES_FILE,
  type ImageSummary,
  imagesDocument,
  SUMMARY_ANNOTATIONS,
  summaryAnnotations,
  summaryTable,
} from '../manifest/summary.js';
import type { RegistryClient } from '../registry/client.js';
import { parseRepository } from '../registry/reference.js';
import { banner } from '../version.js';
import { type Command, parseFlags } from './command.js';

/** A report is a few KiB; anything this big is not one of kiln's. */
const MAX_REPORT_BYTES = 1024 * 1024;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const HELP = `Usage: kiln summary [--reports DIR] [--output FILE] [--annotations FILE]

The summary job of a kiln child pipeline: reads the manifest reports every manifest job left
(DIR/<project>.json), checks that each index is in the registry and that the KILN_IMAGE_<PROJECT>
variables of their dotenv reports name the same digest, and writes one document for later jobs.

Options:
  --reports DIR        the manifest reports (default: ${MANIFEST_REPORTS_DIR})
  --output FILE        the images document (default: ${IMAGES_FILE})
  --annotations FILE   GitLab job annotations report (default: ${SUMMARY_ANNOTATIONS})

Registry credentials are found as for kiln manifest.`;

/**
 * The reports of this pipeline in `dir`. GIT_STRATEGY none keeps the runner's workspace, so
 * reports earlier pipelines left there are skipped by their pipeline id.
 */
async function readReports(dir: string, ctx: Context): Promise<ManifestReport[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') names = [];
    else
      throw new KilnError('MANIFEST_FAILED', `cannot read the manifest reports in ${dir}`, { cause: error });
  }
  const pipeline = ctx.env['CI_PIPELINE_ID'];
  const reports: ManifestReport[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    const report = text.length <= MAX_REPORT_BYTES ? parseReport(text) : undefined;
    if (!report) {
      throw new KilnError('MANIFEST_FAILED', `${file} is not a manifest report of kiln`, {
        where: { file },
        hint: `only kiln manifest writes ${MANIFEST_REPORTS_DIR}/; remove other files from it`,
      });
    }
    if (pipeline && report.pipelineId !== pipeline) {
      ctx.log.info(`skipped ${name}: a report of pipeline ${report.pipelineId ?? '(unknown)'}, not this one`);
      continue;
    }
    reports.push(report);
  }
  if (reports.length === 0) {
    throw new KilnError('MANIFEST_FAILED', `no manifest report of this pipeline in ${dir}`, {
      hint: 'kiln summary runs after the manifest jobs, which write kiln-reports/<project>.json; check that their artifacts reached this job',
    });
  }
  return reports;
}

function parseReport(text: string): ManifestReport | undefined {
  try {
    const value = JSON.parse(text) as ManifestReport;
    const ok =
      typeof value.project === 'string' &&
      typeof value.image === 'string' &&
      DIGEST.test(value.indexDigest) &&
      Array.isArray(value.tags) &&
      Array.isArray(value.children) &&
      value.children.every((c) => DIGEST.test(c.digest));
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every index must be in the registry. A tag that names another index now is a newer pipeline's:
 * it is warned about and dropped from the image's tags, so kiln-images.json lists only tags that
 * name the index.
 */
async function checkRegistry(
  images: ImageSummary[],
  insecure: Map<string, boolean>,
  ctx: Context,
): Promise<string[]> {
  const problems: string[] = [];
  // One client per registry: credentials are found once (an ECR token is an API call) and its
  // connections are kept alive across images.
  const clients = new Map<string, Promise<{ client: RegistryClient }>>();
  for (const image of images) {
    const repository = parseRepository(image.image, 'image');
    const plain = insecure.get(image.project) ?? false;
    const key = `${repository.host}\n${plain}`;
    if (!clients.has(key)) clients.set(key, connectRegistry(repository.host, plain, ctx));
    const { client } = await (clients.get(key) as Promise<{ client: RegistryClient }>);
    const index = await client.headManifest(repository.name, image.indexDigest);
    if (index?.digest !== image.indexDigest) {
      problems.push(`${image.reference} is not in the registry`);
      continue;
    }
    const live: string[] = [];
    for (const tag of image.tags) {
      const now = await client.headManifest(repository.name, tag);
      if (now?.digest === image.indexDigest) live.push(tag);
      else
        ctx.log.warn(`${image.image}:${tag} names ${now?.digest ?? 'nothing'} now, not ${image.indexDigest}`);
    }
    image.tags = live;
    ctx.log.info(`${image.reference}: in the registry, ${image.tags.length} tag(s) checked`);
  }
  return problems;
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'CI job: join the manifest reports into kiln-images.json',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(
      argv,
      { reports: { type: 'string' }, output: { type: 'string' }, annotations: { type: 'string' } },
      'summary',
    );
    const dir = path.resolve(ctx.cwd, values.reports ?? MANIFEST_REPORTS_DIR);
    ctx.log.info(banner('summary', `reports from ${path.relative(ctx.cwd, dir) || dir}`));
    const reports = await readReports(dir, ctx);
    const document = imagesDocument({
      reports,
      pipelineId: ctx.env['CI_PIPELINE_ID'] ?? '0',
      ...(ctx.env['CI_PIPELINE_URL'] ? { pipelineUrl: ctx.env['CI_PIPELINE_URL'] } : {}),
      commit: ctx.env['CI_COMMIT_SHA'] ?? '',
    });
    const insecure = new Map(reports.map((r) => [r.project, r.insecureRegistry === true]));
    const dotenv = checkDotenv(document.images, ctx.env);
    if (dotenv.matched.length > 0) {
      ctx.log.info(`dotenv: ${dotenv.matched.join(', ')} name the digests of their reports`);
    }
    if (dotenv.shared.length > 0) {
      ctx.log.info(`dotenv: not checked, one variable for several projects: ${dotenv.shared.join('; ')}`);
    }
    const problems = [
      ...dotenv.problems,
      ...(await ctx.log.section('registry: every index by digest, every tag', () =>
        checkRegistry(document.images, insecure, ctx),
      )),
    ];
    if (problems.length > 0) {
      throw new KilnError(
        'MANIFEST_FAILED',
        `the published images do not match their reports:\n  ${problems.join('\n  ')}`,
        {
          hint: 'rerun the manifest jobs named here, then this job',
        },
      );
    }
    await writeFile(
      path.resolve(ctx.cwd, values.output ?? IMAGES_FILE),
      `${JSON.stringify(document, null, 2)}\n`,
    );
    const annotations = summaryAnnotations(document.images, (image) =>
      imageUrl({
        repository: image.image,
        digest: image.indexDigest,
        insecure: insecure.get(image.project) ?? false,
        gitlab: { registry: ctx.env['CI_REGISTRY'], projectUrl: ctx.env['CI_PROJECT_URL'] },
      }),
    );
    await writeFile(
      path.resolve(ctx.cwd, values.annotations ?? SUMMARY_ANNOTATIONS),
      `${JSON.stringify(annotations, null, 2)}\n`,
    );
    ctx.log.out(summaryTable(document.images));
    return 0;
  },
};
