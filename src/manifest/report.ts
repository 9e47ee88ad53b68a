// What the manifest job leaves behind: kiln-reports/<project>.json (for people and later jobs), a
// GitLab job annotations report linking the image, shown on the job page, and a dotenv report.
// https://docs.gitlab.com/ci/yaml/artifacts_reports/#artifactsreportsannotations
// Pure: data in, JSON-ready objects out; the command writes the files.
import { parseEcrHost } from '../registry/ecr/ecr-host.js';
import type { ManifestSpec } from '../types.js';
import type { TagResult } from './publish.js';

export interface ManifestReport {
  project: string;
  image: string;
  indexDigest: string;
  mediaType: string;
  created: string;
  tags: TagResult[];
  children: { platform: string; arch: string; tag: string; digest: string }[];
  upstream?: { repo: string; ref: string; sha: string };
  /** Plain HTTP to the registry: how the summary job reaches it again. */
  insecureRegistry: boolean;
  /** CI_PIPELINE_ID of the job that wrote it: the summary job reads only its own pipeline's. */
  pipelineId?: string;
}

export function buildReport(input: {
  spec: ManifestSpec;
  indexDigest: string;
  mediaType: string;
  tags: TagResult[];
  childDigests: Record<string, string>;
  pipelineId?: string;
}): ManifestReport {
  const { spec } = input;
  const report: ManifestReport = {
    project: spec.project,
    image: spec.repository,
    indexDigest: input.indexDigest,
    mediaType: input.mediaType,
    created: spec.created,
    tags: input.tags,
    children: spec.children.map((c) => ({
      platform: c.platform,
      arch: c.arch,
      tag: c.tag,
      digest: input.childDigests[c.arch] ?? '',
    })),
    insecureRegistry: spec.insecureRegistry,
    ...(input.pipelineId ? { pipelineId: input.pipelineId } : {}),
  };
  if (spec.upstream) report.upstream = spec.upstream;
  return report;
}

/**
 * A browsable page for the image: the ECR console for ECR, the project's container registry page
 * for GitLab's registry, otherwise the registry API URL of the index.
 */
export function imageUrl(input: {
  repository: string;
  digest: string;
  insecure: boolean;
  gitlab?: { registry?: string; projectUrl?: string };
}): string {
  const slash = input.repository.indexOf('/');
  const host = input.repository.slice(0, slash);
  const name = input.repository.slice(slash + 1);
  const ecr = parseEcrHost(host);
  if (ecr) {
    return `https://${ecr.region}.console.aws.amazon.com/ecr/repositories/private/${ecr.registryId}/${name}/_/image/${input.digest}/details?region=${ecr.region}`;
  }
  if (
    input.gitlab?.registry &&
    input.gitlab.projectUrl &&
    input.gitlab.registry.toLowerCase() === host.toLowerCase()
  ) {
    return `${input.gitlab.projectUrl}/container_registry`;
  }
  return `${input.insecure ? 'http' : 'https'}://${host}/v2/${name}/manifests/${input.digest}`;
}

/** The tags that name this report's index: all but those a newer pipeline holds. */
export function liveTags(report: Pick<ManifestReport, 'tags'>): string[] {
  return report.tags.filter((t) => t.status !== 'skipped-newer').map((t) => t.tag);
}

/** `{ "kiln": [ { "external_link": { label, url } } ] }`: one link per tag that points at our index. */
export function buildAnnotations(report: ManifestReport, url: string): Record<string, unknown> {
  const live = liveTags(report);
  const links = [{ external_link: { label: `${report.image}@${report.indexDigest}`, url } }];
  for (const tag of live) links.push({ external_link: { label: `${report.image}:${tag}`, url } });
  return { kiln: links };
}

/**
 * The folder of the manifest reports, one `<project>.json` each: every manifest job's artifacts
 * land in the summary job's folder side by side, so each report has its own name.
 */
export const MANIFEST_REPORTS_DIR = 'kiln-reports';

export function manifestReportFile(project: string): string {
  return `${MANIFEST_REPORTS_DIR}/${project}.json`;
}

/** The GitLab reports `kiln manifest` writes by default (one per job, so one name serves all). */
export const MANIFEST_ANNOTATIONS = 'manifest-annotations.json';
/** The manifest job's dotenv report. */
export const MANIFEST_DOTENV = 'kiln-image.env';

/**
 * The dotenv variable naming one project's image: `KILN_IMAGE_` and the project name in capitals,
 * every character other than a letter, digit or `_` as `_` (`web-api` → `KILN_IMAGE_WEB_API`).
 */
export function imageVariable(project: string): string {
  return `KILN_IMAGE_${project.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/**
 * The manifest job's dotenv report (https://docs.gitlab.com/ci/yaml/artifacts_reports/#artifactsreportsdotenv):
 * the image by digest, never a tag that can move, for jobs of the child pipeline that need the
 * manifest job with its artifacts.
 */
export function buildDotenv(report: ManifestReport): string {
  return `${imageVariable(report.project)}=${report.image}@${report.indexDigest}\n`;
}
