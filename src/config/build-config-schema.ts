// The shape of build-config.yaml, in zod: one source for validation (field rules, with hints) and
// for the JSON Schema editors use (`kiln schema`). Rules that span several keys (upstream XOR
// local context, tag lengths, depends_on) live in parse-build-config.ts, next to the locations.
import { type RefinementCtx, z } from 'zod';
import { checkUpstreamRef, checkUpstreamRepo, type Finding } from './git-url.js';
import { annotationsSchema, labelsSchema } from './metadata.js';
import { archSuffix, BUILDABLE_PLATFORMS, DEFAULT_PLATFORMS } from './oci.js';
import { checkRelativeGlob, checkRelativePath } from './relative-path.js';
import { unsafeTextFinding } from './unsafe-text.js';

export const BUILD_CONFIG_FILE = 'build-config.yaml';
export const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Dockerfile stage name as BuildKit accepts it (`FROM … AS name`). */
export const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** A project folder name is the tag prefix: the OCI tag grammar's first character and alphabet. */
/** What may follow `{project}-` in a tag (the OCI tag alphabet). */
export const TAG_PART = /^[A-Za-z0-9._-]+$/;

/** The placeholders of additional_tags, filled from upstream_ref at plan time (plan/ref-tags.ts). */
export const REF_PLACEHOLDERS = ['ref', 'version', 'major', 'minor'] as const;

/** What a tag or tag template writes between `{` and `}`, in order: `{ref}`, `{shortsha:7}`. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}
export const PROJECT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Adds a finding as a zod issue; the hint travels in params (see zod-problems.ts). */
function report(
  ctx: RefinementCtx,
  finding: Finding | undefined,
  path: (string | number)[] = [],
  onKey = false,
): void {
  if (!finding) return;
  ctx.addIssue({ code: 'custom', message: finding.message, path, params: { hint: finding.hint, onKey } });
}

const upstreamRepo = z
  .string()
  .superRefine((value, ctx) => report(ctx, checkUpstreamRepo(value)))
  .nullish()
  .meta({
    description:
      'Git URL of the upstream source (https://, ssh://, git@host:path or git://). Needs upstream_ref.',
    examples: ['https://github.com/osscontainertools/kaniko.git'],
  });

const upstreamRef = z
  .string()
  .superRefine((value, ctx) => report(ctx, checkUpstreamRef(value)))
  .nullish()
  .meta({
    description: 'Tag, branch or full commit SHA to build; kiln pins it to a commit SHA before building.',
    examples: ['v1.28.3', 'main'],
  });

const relativePath = (description: string, example: string, fallback: string) =>
  z
    .string()
    .superRefine((value, ctx) => report(ctx, checkRelativePath(value)))
    .nullish()
    .meta({ description, examples: [example], default: fallback });

/** `KEY=value` entries or a map; checks keys and values of either form. */
function checkBuildArgs(value: string[] | Record<string, string | boolean>, ctx: RefinementCtx): void {
  const entries: { key: string; value: string; path: (string | number)[]; onKey: boolean }[] = Array.isArray(
    value,
  )
    ? value.map((entry, i) => {
        const eq = entry.indexOf('=');
        return {
          key: eq < 0 ? entry : entry.slice(0, eq),
          value: eq < 0 ? '' : entry.slice(eq + 1),
          path: [i],
          onKey: false,
        };
      })
    : Object.entries(value).map(([key, v]) => ({ key, value: String(v), path: [key], onKey: true }));
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    if (Array.isArray(value) && !value[i]!.includes('=')) {
      report(
        ctx,
        { message: `"${value[i]}" is not KEY=value`, hint: `write ${entry.key || 'NAME'}=value` },
        entry.path,
      );
      continue;
    }
    if (!BUILD_ARG_KEY.test(entry.key)) {
      report(
        ctx,
        {
          message: `build-arg name "${entry.key}" is not a valid identifier`,
          hint: 'use letters, digits and _, not starting with a digit',
        },
        entry.path,
        entry.onKey,
      );
    } else if (seen.has(entry.key)) {
      report(
        ctx,
        { message: `build arg ${entry.key} is set twice`, hint: 'keep one' },
        entry.path,
        entry.onKey,
      );
    }
    seen.add(entry.key);
    const unsafe = unsafeTextFinding(entry.value, 'build-arg values are one line of text', {
      allowTab: true,
    });
    if (unsafe) {
      report(ctx, { ...unsafe, message: `value of ${entry.key} ${unsafe.message}` }, entry.path);
    } else if (/\$\{(?![A-Za-z_][A-Za-z0-9_]*\})/.test(entry.value)) {
      report(
        ctx,
        {
          message: `value of ${entry.key} uses an unsupported \${…} expansion`,
          hint: 'only plain ${NAME} / $NAME references to CI variables are expanded',
        },
        entry.path,
      );
    }
  }
}

const buildArgs = z
  .union([z.array(z.string()), z.record(z.string(), z.union([z.string(), z.boolean()]))])
  .superRefine(checkBuildArgs)
  .nullish()
  .meta({
    description:
      'Build arguments: a list of KEY=value or a map. Values may reference CI variables (${ECR_REGISTRY}) and ' +
      'dependency images ({{image:NAME}}, NAME listed in depends_on).',
    examples: [['BASE=${ECR_REGISTRY}/base:latest', 'VERSION=1.2.3'], { VERSION: '1.2.3' }],
  });

const platforms = z
  .array(z.enum(BUILDABLE_PLATFORMS as [string, ...string[]]))
  .min(1)
  .superRefine((list, ctx) => {
    // linux/arm64 and linux/arm64/v8 name the same platform; building both would race on one slot.
    const canonical = (p: string) => (p === 'linux/arm64/v8' ? 'linux/arm64' : p);
    const seen = new Map<string, string>();
    for (const [i, p] of list.entries()) {
      const other = seen.get(canonical(p));
      if (other !== undefined) {
        report(
          ctx,
          {
            message: other === p ? `${p} is listed twice` : `${p} is the same platform as ${other}`,
            hint: 'keep one',
          },
          [i],
        );
      }
      seen.set(canonical(p), p);
    }
  })
  .nullish()
  .meta({
    description: `Platforms to build (os/arch[/variant]); tag suffix e.g. linux/arm/v7 → ${archSuffix('linux/arm/v7')}.`,
    default: [...DEFAULT_PLATFORMS],
  });

const additionalTags = z
  .array(
    z.string().superRefine((tag, ctx) => {
      // The full tag is {project}-{tag} (or the tag alone, without the prefix): the whole is
      // checked against the OCI grammar at plan time, with the placeholders filled in.
      const unknown = placeholdersOf(tag).filter(
        (name) => !(REF_PLACEHOLDERS as readonly string[]).includes(name),
      );
      if (unknown.length > 0) {
        report(ctx, {
          message: `unknown placeholder {${unknown[0]}} in "${tag}"`,
          hint: `use ${REF_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}, filled from upstream_ref`,
        });
      } else if (!TAG_PART.test(tag.replace(/\{[a-z]+\}/g, 'x'))) {
        report(ctx, {
          message: `"${tag}" is not a valid tag part`,
          hint: 'use letters, digits, ".", "_" and "-", and {ref} {version} {major} {minor}',
        });
      }
    }),
  )
  .nullish()
  .meta({
    description:
      'Extra tags on the multi-arch image, as {project}-{tag} in a shared repository (prefix_additional_tags). {ref}, and for a semver upstream_ref {version} {major} {minor}, are filled from upstream_ref.',
    examples: [
      ['latest', 'v1'],
      ['{ref}', '{major}.{minor}', 'latest'],
    ],
  });

const target = z
  .string()
  .superRefine((value, ctx) => {
    if (value !== '' && !STAGE_NAME.test(value)) {
      report(ctx, {
        message: `"${value}" is not a Dockerfile stage name`,
        hint: 'stage names start with a letter: letters, digits, _ . -',
      });
    }
  })
  .nullish()
  .meta({ description: 'Dockerfile stage to build; empty = the last stage.', default: '' });

/** One more image from the same folder: `<project>-<name>`, with its own build args, target, platforms, tags. */
const variant = z
  .object({
    name: z.string().superRefine((name, ctx) => {
      if (!PROJECT_NAME.test(name))
        report(ctx, {
          message: `"${name}" is not a variant name`,
          hint: 'variant names are written like project names: letters, digits, _ . - (the image is <project>-<name>)',
        });
    }),
    build_args: buildArgs,
    target,
    platforms,
    additional_tags: additionalTags,
  })
  .strict();

/** The keys a variant may set (zod-problems.ts offers them for an unknown one). */
export const VARIANT_KEYS = Object.keys(variant.shape);

const variants = z
  .array(variant)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, { name }] of list.entries()) {
      if (seen.has(name))
        report(
          ctx,
          { message: `variant "${name}" is listed twice`, hint: 'give each variant its own name' },
          [i, 'name'],
        );
      seen.add(name);
    }
  })
  .nullish()
  .meta({
    description:
      'More images from this folder: each is built as <project>-<name>, with the build_args (merged by name), target, platforms and additional_tags it sets over the project’s.',
    examples: [
      [
        { name: 'slim', target: 'slim' },
        { name: 'debug', build_args: { DEBUG: '1' }, platforms: ['linux/amd64'] },
      ],
    ],
  });

export const buildConfigFileSchema = z
  .object({
    upstream_repo: upstreamRepo,
    upstream_ref: upstreamRef,
    use_local_context: z.boolean().nullish().meta({
      description:
        'Build from the monorepo instead of an upstream repository (no upstream_repo/upstream_ref).',
    }),
    local_context: z.enum(['project', 'repository']).nullish().meta({
      description:
        'With use_local_context: the build context is the project folder (default) or the repository root.',
      default: 'project',
    }),
    dockerfile_path: relativePath(
      'Dockerfile path, relative to the build context.',
      'docker/Dockerfile',
      'Dockerfile',
    ),
    target,
    context_path: relativePath('Build context inside the source, relative to its root.', 'app', '.'),
    build_args: buildArgs,
    platforms,
    additional_tags: additionalTags,
    depends_on: z
      .array(
        z.string().superRefine((name, ctx) => {
          if (!PROJECT_NAME.test(name))
            report(ctx, {
              message: `"${name}" is not a project name`,
              hint: 'write the folder name under projects/',
            });
        }),
      )
      .nullish()
      .meta({
        description: 'Projects whose images this one builds on; they are built first.',
        examples: [['base']],
      }),
    builder: z
      .enum(['kaniko', 'buildah'])
      .nullish()
      .meta({ description: 'Builder for this project (default: the kiln setting).' }),
    variants,
    labels: labelsSchema.nullish(),
    annotations: annotationsSchema.nullish(),
    watch_paths: z
      .array(z.string().superRefine((glob, ctx) => report(ctx, checkRelativeGlob(glob))))
      .nullish()
      .meta({
        description: 'Extra repository globs whose changes rebuild this project.',
        examples: [['shared/base/**']],
      }),
  })
  .strict();

export type BuildConfigFile = z.infer<typeof buildConfigFileSchema>;
export const BUILD_CONFIG_KEYS = Object.keys(buildConfigFileSchema.shape);
