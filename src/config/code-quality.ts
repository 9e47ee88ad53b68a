// kiln validate's problems as a GitLab Code Quality report (pure), so each broken line shows in
// the merge request's diff with the same text the CLI prints.
// Format: https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
import { createHash } from 'node:crypto';
import { formatProblem, type Problem } from '../errors.js';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

/** A problem that names no file comes from a KILN_* variable or component input. */
export const NO_FILE_PATH = '.gitlab-ci.yml';

export function codeQualityReport(problems: Problem[]): CodeQualityIssue[] {
  const seen = new Set<string>();
  const issues: CodeQualityIssue[] = [];
  for (const problem of problems) {
    const path = problem.file ?? NO_FILE_PATH;
    const line = problem.line ?? 1;
    // The text the CLI prints after file:line:col, so the MR and the log say the same thing.
    const description = formatProblem({ ...problem, file: undefined, line: undefined, col: undefined });
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([path, line, problem.col ?? 0, description]))
      .digest('hex');
    // GitLab shows one issue per fingerprint; the same problem reported twice is one.
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    issues.push({
      description,
      check_name: `kiln-${problem.field ? problem.field.replace(/\.\d+(?=\.|$)/g, '') : 'config'}`,
      fingerprint,
      // A broken config stops the pipeline: above style findings, below a security blocker.
      severity: 'major',
      location: { path, lines: { begin: line } },
    });
  }
  return issues;
}
