// How a Selection reads: a table for people, JSON for scripts. Pure.
import type { Reason, Selection } from '../types.js';

/** One line per reason kind, e.g. `changed: projects/nginx/Dockerfile (+2 more)`. */
export function describeReason(reason: Reason): string {
  switch (reason.kind) {
    case 'changed':
      return `changed: ${fileList(reason.files)}`;
    case 'global':
      return `global path changed: ${fileList(reason.files)}`;
    case 'renamed':
      return `renamed from ${reason.from}`;
    case 'scheduled':
      return `scheduled (${reason.file})`;
    case 'manual':
      return `manual (${reason.value})`;
    case 'dependency':
      return `dependency ${reason.of} is rebuilt`;
    case 'all':
      return `every project: ${reason.why}`;
  }
}

function fileList(files: readonly string[], shown = 3): string {
  const head = files.slice(0, shown).join(', ');
  return files.length > shown ? `${head} (+${files.length - shown} more)` : head;
}

export function formatSelectionTable(selection: Selection): string {
  const lines: string[] = [];
  const range = selection.base ? ` ${short(selection.base)}..${short(selection.head)}` : '';
  lines.push(`trigger: ${selection.trigger}${range}`);
  if (selection.projects.length === 0) lines.push('no project selected');
  else {
    const width = Math.max('PROJECT'.length, ...selection.projects.map((p) => p.name.length));
    lines.push(`${'PROJECT'.padEnd(width)}  REASONS`);
    for (const project of selection.projects) {
      const [first, ...rest] = project.reasons.map(describeReason);
      lines.push(`${project.name.padEnd(width)}  ${first ?? ''}`);
      for (const line of rest) lines.push(`${''.padEnd(width)}  ${line}`);
    }
  }
  if (selection.deleted.length > 0) lines.push(`deleted (not built): ${selection.deleted.join(', ')}`);
  return lines.join('\n');
}

/** The JSON document of `kiln plan --json` before the planner adds jobs: stable keys, in this order. */
export function selectionJson(selection: Selection): Record<string, unknown> {
  return {
    trigger: selection.trigger,
    base: selection.base ?? null,
    head: selection.head ?? null,
    projects: selection.projects,
    deleted: selection.deleted,
    notes: selection.notes,
  };
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 12) : '?';
}
