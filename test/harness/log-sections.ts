// Reads GitLab's collapsible-section markers out of a job log, as GitLab's log parser does
// (https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections):
// `\e[0Ksection_start:<unix seconds>:<name>[options]\r\e[0K<header>` … `\e[0Ksection_end:<unix seconds>:<name>\r\e[0K`.
// Returns the sections and every way the log breaks the format: a start without an end, an end
// that closes another section than the innermost open one, a name GitLab would not accept, a
// section that ends before it starts. (Sections written whole after running side by side may
// start before the one before them ended: GitLab takes each section's own two timestamps.)

export interface LogSection {
  name: string;
  header: string;
  collapsed: boolean;
  start: number;
  end: number;
  depth: number;
}

const MARKER = /section_(start|end):([^:\r\n]*):([^\r\n[]*)(\[[^\]\r\n]*\])?\r\u001b\[0K([^\n]*)/g;
const NAME = /^[a-zA-Z0-9_.-]+$/;

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function readLogSections(log: string): { sections: LogSection[]; problems: string[] } {
  const sections: LogSection[] = [];
  const problems: string[] = [];
  const open: Omit<LogSection, 'end'>[] = [];
  for (const match of log.matchAll(MARKER)) {
    const [, kind, stamp, name = '', options, rest = ''] = match;
    // The marker must start its line after GitLab's erase-line code.
    const before = log.slice(Math.max(0, (match.index ?? 0) - 4), match.index);
    if (before !== '\u001b[0K') problems.push(`section_${kind} of ${name} is not preceded by ESC[0K`);
    if (!/^\d+$/.test(stamp ?? ''))
      problems.push(`section_${kind} of ${name}: "${stamp}" is not a unix timestamp`);
    if (!NAME.test(name)) problems.push(`"${name}" is not a valid section name`);
    const time = Number(stamp);
    if (kind === 'start') {
      if (options !== undefined && options !== '[collapsed=true]' && options !== '[collapsed=false]') {
        problems.push(`section ${name} has unknown options ${options}`);
      }
      open.push({
        name,
        header: rest.replace(ANSI, ''),
        collapsed: options === '[collapsed=true]',
        start: time,
        depth: open.length,
      });
      continue;
    }
    const inner = open.pop();
    if (!inner) problems.push(`section_end of ${name} without a start`);
    else if (inner.name !== name) problems.push(`section_end of ${name} closes ${inner.name}, still open`);
    else if (time < inner.start)
      problems.push(`section ${name} ends at ${time}, before it starts (${inner.start})`);
    else sections.push({ ...inner, end: time });
  }
  for (const left of open) problems.push(`section ${left.name} ("${left.header}") never ends`);
  return { sections, problems };
}

/**
 * gitlab-ci-local (4.73.0) parses the markers itself, line by line, and writes a job log with
 * each recognised start as `<name>_started` and each end as `<name> took <n>ms`. This reads that
 * form: the sections it recognised, and every way they do not pair up. A marker it did not
 * recognise stays in the log as text, and is a problem too.
 */
export function readGitlabCiLocalSections(log: string): { names: string[]; problems: string[] } {
  const names: string[] = [];
  const problems: string[] = [];
  const open: string[] = [];
  for (const raw of log.split('\n')) {
    const line = raw.replace(ANSI, '');
    if (/section_(start|end):/.test(line)) problems.push(`a marker gitlab-ci-local did not read: ${line}`);
    const start = /^(\S+)_started$/.exec(line);
    const end = /^(\S+) took \d+ms$/.exec(line);
    if (start?.[1]) {
      if (!NAME.test(start[1])) problems.push(`"${start[1]}" is not a valid section name`);
      open.push(start[1]);
      names.push(start[1]);
    } else if (end?.[1]) {
      const inner = open.pop();
      if (inner !== end[1]) problems.push(`${end[1]} ends while ${inner ?? 'no section'} is open`);
    }
  }
  for (const left of open) problems.push(`section ${left} never ends`);
  return { names, problems };
}
