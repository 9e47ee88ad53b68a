// The buildah backend: the same job shape as Kaniko (pinned source, per-arch tag, digest artifact,
// labels, build args), run with `buildah build` + `buildah push --digestfile` in the pinned
// quay.io/buildah/stable image. Rootless-friendly: chroot isolation, vfs storage by default.
// https://github.com/containers/buildah/blob/main/docs/buildah-build.1.md
import { shellCommand, shellQuote, shellQuoteExpandingVars } from '../../render/shell-quote.js';
import type { BuildJobSpec } from '../../types.js';
import type { Builder } from '../builder.js';
import { contextGuardVariables } from '../context-guard.js';
import { pinnedSourceLines } from './pinned-source.js';

/**
 * The job variable naming buildah's storage driver. vfs works in every unprivileged container
 * (no overlay mount, no fuse device); a project CI/CD variable of the same name overrides this job
 * variable (GitLab's precedence), so runners that allow overlay can set `overlay`. The flag is
 * passed explicitly: buildah 1.28 ignores STORAGE_DRIVER when storage.conf names a driver.
 */
export const STORAGE_DRIVER_VARIABLE = 'KILN_BUILDAH_STORAGE_DRIVER';

/**
 * Every job gets its own folder (`$KILN_WORK`, removed on exit) for the checkout AND buildah's
 * storage. Shared storage breaks parallel per-arch builds on one host: two `--platform` pulls of
 * the same base tag re-point the one local name, and the other build fails with "locating pulled
 * image … image not known" (seen with shell-executor runners and in the e2e test). Containers of
 * the docker/kubernetes executors start empty anyway; the layer cache lives in the registry.
 */
const WORK_LINES = ['KILN_WORK="$(mktemp -d)"', `trap 'rm -rf "$KILN_WORK"' EXIT`];

const BUILDAH = [
  'buildah',
  '--root "$KILN_WORK/storage"',
  '--runroot "$KILN_WORK/run"',
  `--storage-driver "\${${STORAGE_DRIVER_VARIABLE}:-vfs}"`,
].join(' ');

/** `buildah build` options (after `buildah build`), every value quoted; the context comes last. */
export function buildArgv(spec: BuildJobSpec): string[] {
  const words = ['--isolation', 'chroot', '--platform', shellQuote(spec.platform)];
  // Relative to the context, like Kaniko's --dockerfile; "$KILN_CONTEXT" is set by the source lines.
  words.push('--file', `"$KILN_CONTEXT"/${shellQuote(spec.dockerfile)}`);
  if (spec.target) words.push('--target', shellQuote(spec.target));
  for (const arg of spec.buildArgs) {
    // CI variable references in values (`${ECR_REGISTRY}/base`) are expanded by the job's shell.
    words.push('--build-arg', `${shellQuote(`${arg.name}=`)}${shellQuoteExpandingVars(arg.value)}`);
  }
  for (const [key, value] of Object.entries(spec.labels)) {
    words.push('--label', shellQuote(`${key}=${value}`));
  }
  // The layer-cache options, when the job's buildah has them (see cacheLines).
  if (spec.cacheRepository) words.push('"$@"');
  if (spec.insecureRegistry) words.push('--tls-verify=false');
  words.push('--tag', shellQuote(spec.destination), '"$KILN_CONTEXT"');
  return words;
}

/**
 * Layer cache per architecture: `--layers --cache-from/--cache-to/--cache-ttl` exist since buildah
 * 1.27. The job image is pinned (v1.42), but a user may pin an older one: then the job says so and
 * builds without the cache instead of failing on an unknown flag. The options travel in the
 * positional parameters (`set --`), so every value stays one quoted word.
 */
function cacheLines(spec: BuildJobSpec): string[] {
  if (!spec.cacheRepository) return [];
  const repo = shellQuote(spec.cacheRepository);
  const options = `--layers --cache-from ${repo} --cache-to ${repo} --cache-ttl ${shellQuote(spec.cacheTtl)}`;
  const atLeast127 = `buildah --version | awk '{ split($3, v, "."); exit !(v[1] > 1 || v[2] >= 27) }'`;
  const note =
    'kiln: this buildah is older than 1.27 (no --cache-from/--cache-to): building without the layer cache';
  return ['set --', `if ${atLeast127}; then set -- ${options}; else echo ${shellQuote(note)}; fi`];
}

/** `buildah push` options: the digest file is what Kaniko's --digest-file writes (`sha256:…`). */
export function pushArgv(spec: BuildJobSpec): string[] {
  // Flags are literal; only values go through shellQuote (which quotes a leading `-`).
  const argv = ['--digestfile', shellQuote(spec.digestFile)];
  if (spec.compression === 'zstd') argv.push('--compression-format', 'zstd');
  if (spec.insecureRegistry) argv.push('--tls-verify=false');
  argv.push(shellQuote(spec.destination), shellQuote(`docker://${spec.destination}`));
  return argv;
}

/**
 * Kaniko's --registry-mirror applies to Docker Hub pulls; buildah reads mirrors from
 * registries.conf, so the job writes one and points CONTAINERS_REGISTRIES_CONF at it.
 */
function registryMirrorLines(mirror: string): string[] {
  const conf = ['[[registry]]', 'prefix = "docker.io"', 'location = "docker.io"', '[[registry.mirror]]'];
  conf.push(`location = "${mirror.replace(/["\\]/g, '')}"`);
  return [
    'KILN_REGISTRIES_CONF="$KILN_WORK/registries.conf"',
    `printf '%s\\n' ${conf.map(shellQuote).join(' ')} > "$KILN_REGISTRIES_CONF"`,
    'export CONTAINERS_REGISTRIES_CONF="$KILN_REGISTRIES_CONF"',
  ];
}

/**
 * Pushing to this project's GitLab registry: log in with the job's own credentials. Other
 * registries: buildah reads REGISTRY_AUTH_FILE (e.g. a file-type CI/CD variable) or
 * ~/.docker/config.json, like every containers/image tool.
 */
function gitlabRegistryLogin(destination: string): string[] {
  const host = shellQuote(destination.slice(0, destination.indexOf('/')));
  return [
    `if [ -n "\${CI_REGISTRY_PASSWORD:-}" ] && [ ${host} = "\${CI_REGISTRY:-}" ]; then printf '%s' "$CI_REGISTRY_PASSWORD" | ${BUILDAH} login --username "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"; fi`,
  ];
}

/** AWS settings the helper container needs from the job; none of them is a secret. */
const AWS_SETTINGS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_ECR',
];

/**
 * ECR through the job's GitLab OIDC role: buildah cannot sign AWS requests, so the job runs
 * `kiln ecr-password` in kiln's own image (`buildah run`, chroot isolation, host network), with
 * the web identity token file mounted read-only. The password lands in a shell variable (no argv,
 * no log), goes to `buildah login --password-stdin`, and the auth file it writes lives in the
 * job's private $KILN_WORK, removed when the script exits.
 */
function ecrLoginLines(spec: BuildJobSpec): string[] {
  if (!spec.ecrLogin) return [];
  const { registry, helperImage } = spec.ecrLogin;
  const host = shellQuote(spec.destination.slice(0, spec.destination.indexOf('/')));
  const tls = spec.insecureRegistry ? ' --tls-verify=false' : '';
  const token = '/run/kiln/web-identity-token';
  return [
    `echo ${shellQuote(`kiln: ECR password for ${registry} from the job's OIDC role, with ${helperImage}`)}`,
    `if [ -z "\${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] || [ -z "\${AWS_ROLE_ARN:-}" ]; then echo ${shellQuote("kiln: no GitLab OIDC role in this job (AWS_ROLE_ARN, id_tokens): buildah cannot log in to ECR; set the component's aws_role_arn input")} >&2; exit 1; fi`,
    `set -- --env ${shellQuote(`AWS_WEB_IDENTITY_TOKEN_FILE=${token}`)}`,
    `for kiln_var in ${AWS_SETTINGS.join(' ')}; do eval "kiln_value=\\\${$kiln_var:-}"; if [ -n "$kiln_value" ]; then set -- "$@" --env "$kiln_var=$kiln_value"; fi; done`,
    `KILN_HELPER="$(${BUILDAH} from --quiet${tls} ${shellQuote(helperImage)})"`,
    `KILN_ECR_PASSWORD="$(${BUILDAH} run --isolation chroot --network host -v "$AWS_WEB_IDENTITY_TOKEN_FILE":${token}:ro "$@" "$KILN_HELPER" -- kiln ecr-password --registry ${shellQuote(registry)})"`,
    `${BUILDAH} rm "$KILN_HELPER" >/dev/null`,
    'export REGISTRY_AUTH_FILE="$KILN_WORK/auth.json"',
    `printf '%s' "$KILN_ECR_PASSWORD" | ${BUILDAH} login${tls} --username AWS --password-stdin ${host}`,
    'unset KILN_ECR_PASSWORD',
  ];
}

export const buildahBuilder: Builder = {
  name: 'buildah',
  image: (images) => images.buildah,
  variables(spec) {
    const vars: Record<string, string> = {
      [STORAGE_DRIVER_VARIABLE]: 'vfs',
      BUILDAH_ISOLATION: 'chroot',
      ...contextGuardVariables(),
    };
    // An upstream build fetches its own source; the monorepo checkout is not needed (as with Kaniko).
    if (spec.source.kind === 'git') vars['GIT_STRATEGY'] = 'none';
    return vars;
  },
  script(spec) {
    const digestDir = spec.digestFile.includes('/')
      ? spec.digestFile.slice(0, spec.digestFile.lastIndexOf('/'))
      : '.';
    return [
      ...WORK_LINES,
      ...pinnedSourceLines(spec),
      ...(spec.registryMirror ? registryMirrorLines(spec.registryMirror) : []),
      shellCommand(['mkdir', '-p', digestDir]),
      ...gitlabRegistryLogin(spec.destination),
      ...ecrLoginLines(spec),
      ...cacheLines(spec),
      `${BUILDAH} build ${buildArgv(spec).join(' ')}`,
      `${BUILDAH} push ${pushArgv(spec).join(' ')}`,
      `echo ${shellQuote(`kiln: pushed ${spec.destination}@`)}"$(cat ${shellQuote(spec.digestFile)})"`,
    ];
  },
};
