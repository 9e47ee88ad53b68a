// One error vocabulary: every failure a user can fix is a KilnError with a code, a message,
// where it happened and a hint. Only src/cli.ts catches, prints and sets the exit code.

export type ErrorCode =
  | 'USAGE' // wrong flags or arguments (exit 2)
  | 'CONFIG_INVALID' // build-config.yaml / rebuild list / settings problems (exit 1)
  | 'SETTINGS_INVALID'
  | 'SELECTION_FAILED'
  | 'GIT_FAILED'
  | 'REF_NOT_FOUND'
  | 'PLAN_INVALID'
  | 'PLAN_TOO_LARGE'
  | 'REGISTRY_FAILED'
  | 'MANIFEST_FAILED'
  | 'ATTEST_FAILED' // signing, SBOM or provenance of a pushed index (the tags stay)
  | 'ECR_FAILED'
  | 'GITLAB_API_FAILED'
  | 'BUILD_FAILED'
  | 'INTERNAL';

/** A place in a file: 1-based line and column, plus the field path inside the document. */
export interface Where {
  file?: string;
  line?: number;
  col?: number;
  field?: string;
}

/** One problem found by a validation step; validations collect every problem, then throw once. */
export interface Problem extends Where {
  message: string;
  hint?: string;
}

export class KilnError extends Error {
  readonly code: ErrorCode;
  readonly where: Where | undefined;
  readonly hint: string | undefined;
  /** For aggregate errors (validation): every problem, each printed on its own line. */
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { where?: Where; hint?: string; cause?: unknown; problems?: Problem[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KilnError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }

  get exitCode(): number {
    return this.code === 'USAGE' ? 2 : 1;
  }
}

export function usageError(message: string, hint?: string): KilnError {
  return new KilnError('USAGE', message, hint === undefined ? {} : { hint });
}

/** `file:line:col` (parts that are known), used as the prefix of every located message. */
export function formatLocation(where: Where): string {
  if (!where.file) return '';
  let loc = where.file;
  if (where.line !== undefined) loc += `:${where.line}`;
  if (where.line !== undefined && where.col !== undefined) loc += `:${where.col}`;
  return loc;
}

/** `file:line:col: field: message (hint: …)` — the one shape of a problem line. */
export function formatProblem(problem: Problem): string {
  const loc = formatLocation(problem);
  const parts = [loc, problem.field].filter((part): part is string => Boolean(part));
  const head = parts.length > 0 ? `${parts.join(': ')}: ` : '';
  const hint = problem.hint ? ` (hint: ${problem.hint})` : '';
  return `${head}${problem.message}${hint}`;
}

/** Throws one aggregate error when a validation step found problems. */
export function throwIfProblems(code: ErrorCode, what: string, problems: Problem[]): void {
  if (problems.length === 0) return;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new KilnError(code, `${what}: ${count}`, { problems });
}
