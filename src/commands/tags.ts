// kiln tags --project NAME [--json]: the tags a build of one project would get in this pipeline
// (date and commit from CI_* in a job, else today and the checkout's HEAD).
import path from 'node:path';
import { parseCiEnv } from '../ci/ci-env.js';
import { suggestion } from '../config/did-you-mean.js';
import { loadProjectsOrThrow } from '../config/load-projects.js';
import { loadSettings } from '../config/settings.js';
import { KilnError, throwIfProblems, usageError } from '../errors.js';
import { imageRepository } from '../plan/repositories.js';
import { computeTags, templateProblems } from '../plan/tags.js';
import { expandVariants } from '../plan/variants.js';
import { type Command, parseFlags } from './command.js';
import { pipelineInfo } from './plan-steps.js';

const FLAGS = {
  project: { type: 'string' },
  root: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const HELP = `Usage: kiln tags --project NAME [--root DIR] [--json]

Prints the tags a build of project NAME would get: the default tag (tag template), one per
architecture, and the additional tags, one per line; --json prints them with the repository.
In a GitLab job the date, commit and pipeline id come from CI_*; elsewhere today (UTC) and HEAD.`;

export const tagsCommand: Command = {
  name: 'tags',
  summary: 'print the tags a build of a project would get',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, FLAGS, 'tags');
    if (!values.project) throw usageError('--project NAME is required', 'run kiln tags --help');
    const root = path.resolve(ctx.cwd, values.root ?? '.');
    const ci = parseCiEnv(ctx.env);
    const settings = await loadSettings({ root, env: ctx.env });
    const projects = expandVariants(
      await loadProjectsOrThrow({
        root,
        projectsDir: settings.projectsDir,
        repositoryMode: settings.repositoryMode,
        exclude: settings.exclude,
      }),
    );
    const project = projects.find((p) => p.name === values.project);
    if (!project) {
      const names = projects.map((p) => p.name);
      throw new KilnError('USAGE', `unknown project "${values.project}"`, {
        hint: suggestion(values.project, names, `projects: ${names.join(', ')}`),
      });
    }
    const info = await pipelineInfo({
      ci,
      selection: { trigger: 'manual', projects: [], deleted: [], notes: [] },
      root,
      ctx,
    });
    const { tags, problems } = computeTags({
      project,
      settings,
      created: info.created,
      commitSha: info.commitSha,
      pipelineId: info.pipelineId,
    });
    throwIfProblems('PLAN_INVALID', `the tags of ${project.name} are invalid`, [
      ...templateProblems(settings.tagTemplate, settings.repositoryMode),
      ...problems,
    ]);
    if (values.json) {
      const repository = settings.registry ? imageRepository(settings, project.name) : null;
      ctx.log.out(JSON.stringify({ project: project.name, repository, ...tags }, null, 2));
    } else {
      ctx.log.out([tags.default, ...tags.perArch.map((t) => t.tag), ...tags.additional].join('\n'));
    }
    return 0;
  },
};
