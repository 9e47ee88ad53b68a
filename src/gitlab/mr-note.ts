// One merge-request note with the plan table, updated on every pipeline instead of piling up
// (https://docs.gitlab.com/api/notes/#merge-requests). kiln finds its note by a hidden marker,
// so a renamed bot user or an edited heading does not create a second one.
import { dependencyEdges } from '../plan/dependency-edges.js';
import type { BuildPlan, PlannedProject } from '../plan/types.js';
import { describeReason } from '../select/format-selection.js';
import { gitlabCall } from './call.js';
import type { GitlabClient } from './client.js';

export const PLAN_NOTE_MARKER = '<!-- kiln-plan -->';

const ACCESS = 'needs the api scope and at least the Reporter role on the project';

export interface PlanNoteInput {
  plan: BuildPlan;
  pipelineUrl?: string;
  /** CI_PROJECT_URL: links the commit of projects built from this repository. */
  projectUrl?: string;
  /** CI_SERVER_HOST: upstreams on this GitLab get commit links too. */
  serverHost?: string;
}

/** Text kiln chose (a SHA, a project name): one line, Markdown syntax escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>|#~])/g, '\\$1');
}

/**
 * Text from configs or the merge request (file names, URLs, refs, tags) as a code span: GitLab
 * renders it as it is, so a file named `@all` or `!12` mentions and links nothing. One line; a
 * backtick becomes `'`, and `|` is escaped, which GFM needs even inside code in a table.
 */
function code(text: string): string {
  return `\`${text.replace(/\s+/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** The web page of `sha` in `url`, on GitHub, GitLab.com or this pipeline's GitLab; else none. */
export function commitUrl(url: string, sha: string, serverHost?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return undefined;
  const base = `${parsed.origin}${parsed.pathname.replace(/\.git$/, '').replace(/\/+$/, '')}`;
  if (parsed.hostname === 'github.com') return `${base}/commit/${sha}`;
  if (parsed.hostname === 'gitlab.com' || parsed.hostname === serverHost) return `${base}/-/commit/${sha}`;
  return undefined;
}

/** A link to a URL kiln built; `(`, `)` and spaces percent-encoded so the destination cannot end early. */
function link(text: string, url: string | undefined): string {
  if (!url) return cell(text);
  const destination = url.replace(
    /[()\s<>]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${cell(text)}](${destination})`;
}

function sourceCell(project: PlannedProject, input: PlanNoteInput): string {
  const sha = project.upstream?.sha ?? input.plan.commitSha;
  if (!project.upstream) {
    const url = input.projectUrl ? `${input.projectUrl}/-/commit/${sha}` : undefined;
    return `this repository @ ${link(sha.slice(0, 12), url)}`;
  }
  const { url, ref } = project.upstream;
  // The URL as code: GFM would autolink it, and a clone URL is not a page.
  return `${code(url)} ${code(ref)} @ ${link(sha.slice(0, 12), commitUrl(url, sha, input.serverHost))}`;
}

/** The `depends_on` edges among the planned projects, dependency first, as a Mermaid graph. */
export function dependencyGraph(plan: BuildPlan): string | undefined {
  const edges = dependencyEdges(plan);
  if (edges.length === 0) return undefined;
  // Project names are [a-z0-9._-] (PROJECT_NAME): safe inside a quoted Mermaid label.
  const names = [...new Set(edges.flat())];
  const id = (name: string) => `p${names.indexOf(name)}`;
  return [
    'graph LR',
    ...names.map((name) => `  ${id(name)}["${name}"]`),
    ...edges.map(([from, to]) => `  ${id(from)} --> ${id(to)}`),
  ].join('\n');
}

/**
 * Pure: the Markdown of the note, marker first: a table of what is built and why, then a Mermaid
 * graph of the `depends_on` edges among them (GitLab renders both).
 */
export function planNoteBody(input: PlanNoteInput): string {
  const { plan } = input;
  const lines = [PLAN_NOTE_MARKER, '#### kiln plan', ''];
  if (plan.projects.length === 0) lines.push('Nothing to build.');
  else {
    lines.push(
      `${plan.projects.length} project(s) to build${plan.push ? '' : ' (plan only: a merge request pushes nothing)'}:`,
      '',
      '| Project | Why | Source | Platforms | Tags |',
      '| --- | --- | --- | --- | --- |',
      ...plan.projects.map((p) =>
        [
          '',
          cell(p.name),
          p.reasons.map((r) => code(describeReason(r))).join('<br>'),
          sourceCell(p, input),
          p.platforms.map(code).join(' '),
          [p.tags.default, ...p.tags.additional].map(code).join(' '),
          '',
        ]
          .join(' | ')
          .trim(),
      ),
    );
  }
  const graph = dependencyGraph(plan);
  if (graph) lines.push('', 'Build order (`depends_on`):', '', '```mermaid', graph, '```');
  if (plan.deleted.length > 0) lines.push('', `Deleted, not built: ${plan.deleted.map(code).join(', ')}.`);
  const source = [
    `commit ${plan.commitSha.slice(0, 12)}`,
    input.pipelineUrl ? `[pipeline](${input.pipelineUrl})` : '',
  ].filter(Boolean);
  lines.push('', `Updated for ${source.join(', ')}.`);
  return lines.join('\n');
}

interface Note {
  id: number;
  body: string;
  system?: boolean;
}

export interface PostPlanNoteOptions {
  api: GitlabClient;
  projectId: string | number;
  mrIid: number;
  /** The note's Markdown (planNoteBody); the marker is added when missing. */
  body: string;
}

export interface PostPlanNoteResult {
  action: 'created' | 'updated' | 'unchanged';
  noteId: number;
}

/**
 * The oldest non-system note carrying the marker is kiln's. Pages are read oldest first and only
 * until it is found: a long discussion costs one request when kiln posted early (it usually did).
 */
async function findPlanNote(
  api: GitlabClient,
  projectId: string | number,
  mrIid: number,
  where: string,
): Promise<Note | undefined> {
  for (let page = 1; ; page++) {
    const { data, paginationInfo } = await gitlabCall(`listing the notes of ${where}`, ACCESS, () =>
      api.MergeRequestNotes.all(projectId, mrIid, {
        sort: 'asc',
        orderBy: 'created_at',
        perPage: 100,
        page,
        showExpanded: true,
      }),
    );
    const notes = data as unknown as Note[];
    const found = notes.find((note) => !note.system && note.body.includes(PLAN_NOTE_MARKER));
    if (found || !paginationInfo.next) return found;
  }
}

/** Creates kiln's note on the merge request, or updates the one it posted before. */
export async function postPlanNote(options: PostPlanNoteOptions): Promise<PostPlanNoteResult> {
  const { api, projectId, mrIid } = options;
  const body = options.body.includes(PLAN_NOTE_MARKER)
    ? options.body
    : `${PLAN_NOTE_MARKER}\n${options.body}`;
  const where = `merge request !${mrIid} of project ${projectId}`;
  const ours = await findPlanNote(api, projectId, mrIid, where);
  if (!ours) {
    const created = (await gitlabCall(`posting the plan note on ${where}`, ACCESS, () =>
      api.MergeRequestNotes.create(projectId, mrIid, body),
    )) as unknown as Note;
    return { action: 'created', noteId: created.id };
  }
  if (ours.body === body) return { action: 'unchanged', noteId: ours.id };
  await gitlabCall(`updating the plan note ${ours.id} on ${where}`, ACCESS, () =>
    api.MergeRequestNotes.edit(projectId, mrIid, ours.id, { body }),
  );
  return { action: 'updated', noteId: ours.id };
}
