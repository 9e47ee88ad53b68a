// The Kaniko backend: the job image, script and variables of a `build:<project>:<arch>` job.
import { escapeVariableValue } from '../../render/gitlab-escape.js';
import { shellQuote, shellWord } from '../../render/shell-quote.js';
import type { BuildJobSpec } from '../../types.js';
import type { Builder } from '../builder.js';
import { contextGuardLines, contextGuardVariables } from '../context-guard.js';
import { kanikoArgv, kanikoGitUrl } from './argv.js';

function dirname(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/**
 * The symlink check of a local context (builders/context-guard.ts), on the same folder as the
 * executor's `dir://`. An upstream is cloned by the executor itself, after this script's last
 * line: there is nothing on disk to check here (buildah, which clones in the script, checks it).
 */
function symlinkGuard(spec: BuildJobSpec): string[] {
  if (spec.source.kind !== 'local') return [];
  const dir = spec.source.dir === '.' || spec.source.dir === '' ? '' : `/${spec.source.dir}`;
  const root = shellWord([{ variable: 'CI_PROJECT_DIR' }, { text: dir }]);
  return contextGuardLines({ root, contextPath: spec.contextPath, dockerfile: spec.dockerfile });
}

export const kanikoBuilder: Builder = {
  name: 'kaniko',
  image: (images) => images.kaniko,
  script(spec: BuildJobSpec): string[] {
    const from =
      spec.source.kind === 'git'
        ? `${spec.source.url} ${spec.source.ref} @ ${spec.source.sha}`
        : `the ${spec.source.dir} folder of this repository`;
    return [
      `echo ${shellQuote(`kiln: building ${spec.project} for ${spec.platform} from ${from}`)}`,
      `mkdir -p ${shellWord([{ variable: 'CI_PROJECT_DIR' }, { text: `/${dirname(spec.digestFile)}` }])}`,
      ...symlinkGuard(spec),
      // An empty working directory: Kaniko looks for a relative --dockerfile in the working
      // directory before the context, and the runner's checkout (or a stale one, with
      // GIT_STRATEGY none) could hold a file of that name.
      'cd "$(mktemp -d)"',
      kanikoArgv(spec).map(shellWord).join(' '),
    ];
  },
  variables(spec: BuildJobSpec): Record<string, string> {
    const vars: Record<string, string> = {};
    if (spec.source.kind !== 'git') return contextGuardVariables();
    // Upstream builds clone in Kaniko; the monorepo checkout is not needed.
    vars['GIT_STRATEGY'] = 'none';
    if (kanikoGitUrl(spec.source.url).plainHttp) vars['GIT_PULL_METHOD'] = 'http';
    if (spec.source.auth) {
      // Kaniko reads GIT_USERNAME/GIT_PASSWORD (pkg/buildcontext/git.go). The password is a
      // reference GitLab expands at job start, so the token is never written into the YAML.
      vars['GIT_USERNAME'] = escapeVariableValue(spec.source.auth.username);
      vars['GIT_PASSWORD'] = `$${spec.source.auth.passwordVariable}`;
    }
    return vars;
  },
};
