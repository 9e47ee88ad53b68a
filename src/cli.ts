// kiln's only entry point: picks the command, runs it with the injected context, and is the one
// place that turns errors into messages and exit codes (0 ok, 1 failure, 2 usage).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Command, wantsHelp } from './commands/command.js';
import { type Context, processContext } from './context.js';
import { formatLocation, formatProblem, KilnError } from './errors.js';

import { VERSION } from './version.js';

// Loaded on demand so `kiln validate` does not initialise the AWS SDK.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: 'validate every build-config.yaml and the rebuild list',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  plan: {
    summary: 'show what would be built and why (no side effects)',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  prepare: {
    summary: 'CI job: write the child pipeline and plan.json',
    load: async () => (await import('./commands/prepare.js')).prepareCommand,
  },
  manifest: {
    summary: 'CI job: assemble and push the multi-arch index and tags',
    load: async () => (await import('./commands/manifest.js')).manifestCommand,
  },
  attest: {
    summary: 'CI job: sign the pushed index and its images, attest SBOMs and provenance',
    load: async () => (await import('./commands/attest.js')).attestCommand,
  },
  summary: {
    summary: 'CI job: join the manifest reports into kiln-images.json',
    load: async () => (await import('./commands/summary.js')).summaryCommand,
  },
  'ecr-password': {
    summary: 'print an ECR registry password (for buildah jobs; stdout only)',
    load: async () => (await import('./commands/ecr-password.js')).ecrPasswordCommand,
  },
  tags: {
    summary: 'print the tags a build of a project would get',
    load: async () => (await import('./commands/tags.js')).tagsCommand,
  },
  schedule: {
    summary: 'manage the weekly rebuild pipeline schedule (schedule ensure)',
    load: async () => (await import('./commands/schedule.js')).scheduleCommand,
  },
  schema: {
    summary: 'print or write the JSON Schema of build-config.yaml',
    load: async () => (await import('./commands/schema.js')).schemaCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `kiln ${VERSION} — multi-arch container images from a GitLab monorepo`,
    '',
    'Usage: kiln <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show help (also: kiln <command> --help)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 success, 1 failure (invalid config, failed job), 2 usage error.',
  ].join('\n');
}

export async function main(argv: string[], ctx: Context): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.log.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    ctx.log.out(VERSION);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    ctx.log.error(`unknown command "${name}"`);
    ctx.log.info(mainHelp());
    return 2;
  }
  try {
    const command = await entry.load();
    if (wantsHelp(rest)) {
      ctx.log.out(command.help);
      return 0;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}

function report(error: unknown, ctx: Context): number {
  if (error instanceof KilnError) {
    const loc = error.where ? formatLocation(error.where) : '';
    const field = error.where?.field ? `${error.where.field}: ` : '';
    ctx.log.error(`${loc ? `${loc}: ` : ''}${field}${error.message}`);
    for (const problem of error.problems) ctx.log.info(`  ${formatProblem(problem)}`);
    if (error.hint) ctx.log.info(`  hint: ${error.hint}`);
    let cause = error.cause;
    while (cause instanceof Error) {
      ctx.log.info(`  caused by: ${cause.message}`);
      cause = cause.cause;
    }
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  ctx.log.error(`internal error (please report): ${message}`);
  return 1;
}

// Run when this file is the program (the bundle under any name or link), not when imported by tests.
function isProgram(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    return realpathSync(invoked) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) {
  const ctx = processContext();
  main(process.argv.slice(2), ctx).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      ctx.log.error(String(error));
      process.exitCode = 1;
    },
  );
}
