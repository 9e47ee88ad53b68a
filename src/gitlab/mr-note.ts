// One merge-request note with the plan table, updated on every pipeline instead of piling up
// (https://docs.gitlab.com/api/notes/#merge-requests). kiln finds its note by a hidden marker,
// so a renamed bot user or an edited heading does not create a second one.
import { gitlabCall } from './call.js';
import type { GitlabClient } from './client.js';

export const PLAN_NOTE_MARKER = '<!-- kiln-plan -->';

const ACCESS = 'needs the api scope and at least the Reporter role on the project';

export interface PlanNoteInput {
  /** The plan table as `kiln plan` prints it. */
  table: string;
  pipelineUrl?: string;
  commitSha?: string;
}

/** Pure: the Markdown of the note, marker first. The table is fenced so its columns stay aligned. */
export function planNoteBody(input: PlanNoteInput): string {
  const fence = input.table.includes('```') ? '~~~~' : '```';
  const source = [
    input.commitSha ? `commit ${input.commitSha.slice(0, 12)}` : '',
    input.pipelineUrl ? `[pipeline](${input.pipelineUrl})` : '',
  ].filter(Boolean);
  return [
    PLAN_NOTE_MARKER,
    '#### kiln plan',
    '',
    `${fence}text`,
    input.table.trimEnd(),
    fence,
    ...(source.length > 0 ? ['', `Updated for ${source.join(', ')}.`] : []),
  ].join('\n');
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
