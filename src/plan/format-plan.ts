// How a BuildPlan reads in a terminal or job log (pure): per project the reasons, the pinned
// upstream, platforms, tags and jobs.
import { describeReason } from '../select/format-selection.js';
import type { BuildPlan } from './types.js';

export function formatPlan(plan: BuildPlan): string {
  const lines: string[] = [
    `trigger: ${plan.trigger}; pipeline ${plan.pipelineId} at ${plan.commitSha.slice(0, 12)}, ${plan.created}`,
  ];
  if (!plan.push) lines.push('merge request, plan only: the child pipeline pushes nothing');
  lines.push(`release tags: ${plan.release.moves ? 'moved' : 'skipped'}, ${plan.release.why}`);
  if (plan.projects.length === 0) lines.push('nothing to build');
  for (const project of plan.projects) {
    const upstream = project.upstream
      ? `${project.upstream.url} ${project.upstream.ref} @ ${project.upstream.sha}`
      : 'this repository (use_local_context)';
    const arch = project.tags.perArch.map((t) => `-${t.arch}`).join(', ');
    lines.push(
      '',
      project.name,
      ...project.reasons.map((r, i) => `  ${i === 0 ? 'reason:   ' : '          '} ${describeReason(r)}`),
      `  upstream:  ${upstream}`,
      `  platforms: ${project.platforms.join(', ')}`,
      `  image:     ${project.repository}:${project.tags.default} (per arch: ${arch})`,
    );
    if (project.tags.additional.length > 0) lines.push(`  also:      ${project.tags.additional.join(', ')}`);
    if (project.tags.skipped.length > 0)
      lines.push(`  skipped:   ${project.tags.skipped.join(', ')} (release tags)`);
    lines.push(`  jobs:      ${project.builds.map((b) => b.name).join(', ')} → ${project.manifest.name}`);
  }
  if (plan.deleted.length > 0) lines.push('', `deleted (not built): ${plan.deleted.join(', ')}`);
  if (plan.parts && plan.parts.length > 0) {
    lines.push(
      '',
      `split into ${plan.parts.length} child pipelines (too big for one; GitLab's limits), each project with its depends_on:`,
      ...plan.parts.map((part, i) => `  part ${i + 1}: ${part.projects.length} projects (${part.file})`),
    );
  }
  return lines.join('\n');
}
