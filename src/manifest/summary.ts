// What the summary job at the end of a child pipeline leaves behind (pure): every manifest job's
// report joined into kiln-images.json, an annotations report linking each image, and a table for
// the log. Later jobs and other pipelines read kiln-images.json instead of parsing job logs.
import { imageVariable, liveTags, type ManifestReport } from './report.js';

/** What the summary job writes and keeps: the images document and its annotations report. */
export const IMAGES_FILE = 'kiln-images.json';
export const SUMMARY_ANNOTATIONS = 'kiln-summary-annotations.json';

/** One published image in kiln-images.json. */
export interface ImageSummary {
  project: string;
  /** `host/path` of the repository. */
  image: string;
  indexDigest: string;
  /** `image@indexDigest`: what a deploy should pull; a tag can move, this cannot. */
  reference: string;
  /** The tags that name this index (the summary job drops a tag a newer pipeline holds). */
  tags: string[];
  children: { platform: string; digest: string }[];
  /** The upstream commit built, or, for a build of this repository's files, its commit. */
  source: { repo: string; ref: string; sha: string } | { commit: string };
}

export interface ImagesDocument {
  version: 1;
  pipeline: { id: string; url?: string; commit: string };
  images: ImageSummary[];
}

export function summarizeImage(report: ManifestReport, commit: string): ImageSummary {
  return {
    project: report.project,
    image: report.image,
    indexDigest: report.indexDigest,
    reference: `${report.image}@${report.indexDigest}`,
    tags: liveTags(report),
    children: report.children.map((c) => ({ platform: c.platform, digest: c.digest })),
    source: report.upstream ?? { commit },
  };
}

export function imagesDocument(input: {
  reports: ManifestReport[];
  pipelineId: string;
  pipelineUrl?: string;
  commit: string;
}): ImagesDocument {
  const images = [...input.reports]
    .sort((a, b) => a.project.localeCompare(b.project))
    .map((r) => summarizeImage(r, input.commit));
  return {
    version: 1,
    pipeline: {
      id: input.pipelineId,
      ...(input.pipelineUrl ? { url: input.pipelineUrl } : {}),
      commit: input.commit,
    },
    images,
  };
}

/**
 * Where a report and the dotenv variable GitLab handed this job disagree, the artifacts are not
 * the ones this pipeline's manifest jobs wrote: say which. A variable that is absent is fine (a
 * job that does not need the manifest job with artifacts gets none).
 */
export function checkDotenv(
  images: ImageSummary[],
  env: Record<string, string | undefined>,
): { matched: string[]; shared: string[]; problems: string[] } {
  const byName = new Map<string, ImageSummary[]>();
  for (const image of images) {
    const name = imageVariable(image.project);
    byName.set(name, [...(byName.get(name) ?? []), image]);
  }
  const matched: string[] = [];
  const shared: string[] = [];
  const problems: string[] = [];
  for (const [name, owners] of byName) {
    const value = env[name];
    if (value === undefined) continue;
    // Projects whose names differ only in case, `-`, `.` or `_` share one variable; GitLab keeps
    // one of their values, so it cannot be checked against either report.
    if (owners.length > 1) shared.push(`${name} (${owners.map((o) => o.project).join(', ')})`);
    else if (value === owners[0]?.reference) matched.push(name);
    else
      problems.push(
        `${name} is ${value}, but the manifest report of ${owners[0]?.project} says ${owners[0]?.reference}`,
      );
  }
  return { matched, shared, problems };
}

/** The summary job's annotations report: one link per image, by digest. */
export function summaryAnnotations(
  images: ImageSummary[],
  url: (image: ImageSummary) => string,
): Record<string, unknown> {
  return {
    'kiln images': images.map((image) => ({
      external_link: { label: `${image.project}: ${image.reference}`, url: url(image) },
    })),
  };
}

/** The table the summary job prints: project, index digest, platforms and tags. */
export function summaryTable(images: ImageSummary[]): string {
  if (images.length === 0) return 'no images were published in this pipeline';
  const rows = images.map((i) => [
    i.project,
    i.indexDigest.slice(0, 19),
    i.children.map((c) => c.platform.replace(/^linux\//, '')).join(','),
    i.tags.join(', '),
  ]);
  const header = ['PROJECT', 'INDEX', 'PLATFORMS', 'TAGS'];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
