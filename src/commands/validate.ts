// `kiln validate`: loads every project and the rebuild list, prints every problem at once
// (`file:line:col: field: message (hint: …)`), exit 0 valid / 1 invalid / 2 usage.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { codeQualityReport } from '../config/code-quality.js';
import { loadProjects } from '../config/load-projects.js';
import { parseRebuildList } from '../config/rebuild-list.js';
import { DEFAULT_SETTINGS, loadSettingsWithProblems, type RawSettings } from '../config/settings.js';
import { parseFieldPath, problemAt, readYaml } from '../config/yaml-source.js';
import type { Context } from '../context.js';
import { formatProblem, KilnError, type Problem } from '../errors.js';
import { computeTags, sharedTagProblems, templateProblems } from '../plan/tags.js';
import { expandVariants } from '../plan/variants.js';
import { checkDependencies } from '../select/dependency-order.js';
import type { Project } from '../types.js';
import { type Command, parseFlags } from './command.js';
import { writeOutputFile } from './write-output.js';

const HELP = `Usage: kiln validate [--root DIR] [--projects-dir DIR] [--rebuild-file FILE]
                     [--codequality FILE]

Validates every <projects-dir>/*/build-config.yaml and the rebuild list, and prints every problem
at once, one line each: file:line:col: field: what is wrong (hint: how to fix it).

Options:
  --root DIR           repository root (default: the current directory)
  --projects-dir DIR   projects folder, relative to the root (default: projects; KILN_PROJECTS_DIR)
  --rebuild-file FILE  scheduled rebuild list, relative to the root (default: rebuild-weekly.txt;
                       KILN_REBUILD_FILE). A missing default file is fine; a missing named one is not.
  --codequality FILE   also write the problems as a GitLab Code Quality report (JSON; [] when
                       valid), for artifacts:reports:codequality in merge requests
  -h, --help           show this help

Exit codes: 0 valid, 1 invalid, 2 usage error.`;

const FLAGS = {
  root: { type: 'string' },
  'projects-dir': { type: 'string' },
  'rebuild-file': { type: 'string' },
  codequality: { type: 'string' },
} as const;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'validate every build-config.yaml and the rebuild list',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, FLAGS, 'validate');

    const root = path.resolve(ctx.cwd, values.root ?? '.');
    const flags: RawSettings = {};
    if (values['projects-dir'] !== undefined) flags.projectsDir = values['projects-dir'];
    if (values['rebuild-file'] !== undefined) flags.rebuildFile = values['rebuild-file'];
    const {
      settings,
      problems: fileProblems,
      where,
    } = await loadSettingsWithProblems({ root, env: ctx.env, flags });
    // The tag template is checked as the plan checks it; from kiln.yaml it is placed on its line
    // (a KILN_TAG_TEMPLATE overrides the file, and has no line).
    const templateWhere = ctx.env['KILN_TAG_TEMPLATE'] === undefined ? where('tag_template') : undefined;
    const settingsProblems = [
      ...fileProblems,
      ...templateProblems(settings.tagTemplate, settings.repositoryMode).map((p) => ({
        ...templateWhere,
        ...p,
      })),
    ];
    // A rebuild list someone named (flag, KILN_REBUILD_FILE, kiln.yaml) must exist; the default may not.
    const rebuildNamed =
      values['rebuild-file'] !== undefined ||
      ctx.env['KILN_REBUILD_FILE'] !== undefined ||
      settings.rebuildFile !== DEFAULT_SETTINGS.rebuildFile;

    const { projects, names, problems } = await loadProjects({
      root,
      projectsDir: settings.projectsDir,
      repositoryMode: settings.repositoryMode,
      exclude: settings.exclude,
    });
    // A project with a broken config is still a project: one problem, not a second in the list.
    const rebuild = await checkRebuildList(root, settings.rebuildFile, names, rebuildNamed);
    // Variants are images of their own: their names and tags are checked as projects' are.
    const variants = await withVariants(root, projects, names);
    const all = [
      ...settingsProblems,
      ...problems,
      ...variants.problems,
      ...(problems.length === 0 ? dependencyProblems(projects) : []),
      ...(variants.problems.length === 0
        ? await tagProblems(root, variants.projects, settings, ctx.now)
        : []),
      // The default tags dated now, at a sample commit; additional tags do not depend on either.
      ...(problems.length === 0 && variants.problems.length === 0
        ? sharedTagProblems(variants.projects, settings, {
            created: ctx.now,
            commitSha: '0'.repeat(40),
            pipelineId: '0',
          })
        : []),
      ...rebuild.problems,
    ];

    report(all, root, ctx);
    if (values.codequality !== undefined) {
      await writeOutputFile(
        path.resolve(ctx.cwd, values.codequality),
        // Masked as the log is: a problem may quote a value, and an artifact is not masked by GitLab.
        `${ctx.log.mask(JSON.stringify(codeQualityReport(all), null, 2))}\n`,
        {
          message: `cannot write the Code Quality report to ${values.codequality}`,
          hint: 'check the --codequality path',
        },
      );
    }
    if (all.length > 0) {
      const files = new Set(all.map((p) => p.file)).size;
      ctx.log.error(`${plural(all.length, 'problem')} in ${plural(files, 'file')}`);
      return 1;
    }
    const listed =
      rebuild.count === undefined
        ? 'no rebuild list'
        : `${plural(rebuild.count, 'project')} in ${settings.rebuildFile}`;
    ctx.log.out(`${plural(projects.length, 'project')} valid; ${listed}`);
    return 0;
  },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function withVariants(
  root: string,
  projects: Project[],
  names: string[],
): Promise<{ projects: Project[]; problems: Problem[] }> {
  try {
    return { projects: expandVariants(projects, names), problems: [] };
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    return { projects, problems: await onTheirLines(root, error.problems) };
  }
}

/** Problems found after parsing (a field, no line), each placed on its field's line in its file. */
async function onTheirLines(root: string, problems: Problem[]): Promise<Problem[]> {
  return Promise.all(
    problems.map(async (p) => {
      if (!p.file || !p.field || p.line !== undefined) return p;
      const source = readYaml(await readFile(path.join(root, p.file), 'utf8'), p.file);
      return problemAt(source, p.file, parseFieldPath(p.field), p.message, p.hint);
    }),
  );
}

/**
 * The tags each image would get, as the plan computes them: a placeholder its upstream_ref cannot
 * fill ({major} on a branch, {ref} without an upstream) or a tag too long, before any pipeline.
 */
async function tagProblems(
  root: string,
  projects: Project[],
  settings: Parameters<typeof computeTags>[0]['settings'],
  now: Date,
): Promise<Problem[]> {
  const found = projects.flatMap(
    (project) =>
      computeTags({ project, settings, created: now, commitSha: '0'.repeat(40), pipelineId: '0' }).problems,
  );
  const seen = new Set<string>();
  const unique = found.filter((p) => {
    const key = `${p.file}\n${p.field}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return onTheirLines(root, unique);
}

/** depends_on cycles, found by the same check `kiln plan` runs (once every file is valid). */
function dependencyProblems(projects: Project[]): Problem[] {
  try {
    checkDependencies(projects);
    return [];
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    if (error.problems.length > 0) return error.problems;
    return [{ ...error.where, message: error.message, ...(error.hint ? { hint: error.hint } : {}) }];
  }
}

async function checkRebuildList(
  root: string,
  file: string,
  names: string[],
  named: boolean,
): Promise<{ problems: Problem[]; count?: number }> {
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !named) return { problems: [] };
    return {
      problems: [
        {
          file,
          message: `cannot read the rebuild list (${(error as NodeJS.ErrnoException).code})`,
          hint: 'check --rebuild-file',
        },
      ],
    };
  }
  const list = parseRebuildList(text, file, names);
  return { problems: list.problems, count: list.names.length };
}

/** One line per problem, paths relative to where the user stands so editors can jump to them. */
function report(problems: Problem[], root: string, ctx: Context): void {
  for (const problem of problems) {
    const file =
      problem.file === undefined ? undefined : path.relative(ctx.cwd, path.join(root, problem.file)) || '.';
    ctx.log.info(formatProblem({ ...problem, file }));
  }
}
