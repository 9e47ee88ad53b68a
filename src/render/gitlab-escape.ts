// Values GitLab itself expands before any shell sees them.
// - `variables:` values: the runner expands `$NAME`; `$$` is the documented escape for a literal
//   `$` (accepted by the runner since v1.0.2, "Support encoding of $ in variables: accept $$";
//   https://gitlab.com/gitlab-org/gitlab/-/issues/17069).
// - `image:` and `tags:`: GitLab expands `$NAME` / `${NAME}` (tags since 14.1,
//   https://gitlab.com/gitlab-org/gitlab/-/merge_requests/77484) and documents no escape for a
//   literal `$`. kiln's own values there are variable references on purpose (`$CICD_TAG_AMD64`),
//   so they pass only when every `$` starts a reference and the rest is plain text.
import type { Problem } from '../errors.js';

/** A `variables:` value that reaches the job byte for byte. */
export function escapeVariableValue(value: string): string {
  return value.replaceAll('$', '$$$$');
}

/** The inverse of escapeVariableValue (what the runner does with `$$`). */
export function unescapeVariableValue(value: string): string {
  return value.replaceAll('$$', '$');
}

const REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;
/** Runner tags: no whitespace or control characters, no `$` outside a reference. */
const TAG_TEXT = /^[^\s$\p{Cc}]*$/u;
/** Image references: the OCI reference character set (name, `:tag`, `@sha256:…`). */
const IMAGE_TEXT = /^[A-Za-z0-9._\-/:@]*$/;

function checkExpanded(value: string, text: RegExp, what: string, field: string): Problem[] {
  const withoutReferences = value.replace(REFERENCE, '');
  if (value.length > 0 && text.test(withoutReferences)) return [];
  return [
    {
      field,
      message: `${what} "${value}" cannot be written safely: GitLab expands it and has no escape for it`,
      hint:
        what === 'image'
          ? 'use a plain image reference, optionally with $VARIABLE references'
          : 'use plain text without spaces, optionally with $VARIABLE references',
    },
  ];
}

/** Problems with a runner tag (empty when it is safe to emit as is). */
export function runnerTagProblems(tag: string, field: string): Problem[] {
  return checkExpanded(tag, TAG_TEXT, 'runner tag', field);
}

/** Problems with a job image reference (empty when it is safe to emit as is). */
export function imageProblems(image: string, field: string): Problem[] {
  return checkExpanded(image, IMAGE_TEXT, 'image', field);
}
