// YAML for GitLab. GitLab reads pipeline files with Ruby's Psych, a YAML 1.1 reader, while the
// `yaml` library writes YAML 1.2. Two differences matter, and this writer closes both for any
// string, whatever validation let through:
// - Psych retypes plain scalars that 1.2 leaves as text: `yes`/`off` are booleans, `1_000` and
//   `1:20` integers, `2026-11-23` a date (which GitLab's safe load refuses, failing the whole
//   pipeline), `:name` a symbol. Such strings are written quoted.
// - YAML 1.1 reads NEL (U+0085), U+2028 and U+2029 as line breaks, and cannot print other
//   controls, the byte-order mark or U+FFFE/U+FFFF. A string holding any of them is double-quoted
//   with the character escaped, so no value can end a line, and with it open a job of its own.
import { Document, visit } from 'yaml';

/** Plain scalars Psych's scalar scanner turns into something other than a string. */
const PSYCH_RETYPED = /^(?:[-+.:~0-9].*|y|yes|n|no|true|false|on|off|null|=|<<)$/i;
/** Only printable ASCII stays plain; anything else is double-quoted (and escaped below if needed). */
const NOT_PLAIN_ASCII = /[^\u0020-\u007e]/;
/** What YAML 1.1 does not print raw (or reads as a line break); the library writes some raw. */
const ESCAPE_IN_OUTPUT = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /\p{Cs}/u;

function needsDoubleQuotes(value: string): boolean {
  return PSYCH_RETYPED.test(value) || NOT_PLAIN_ASCII.test(value);
}

function escapeCharacter(char: string): string {
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/**
 * Serializes `value` (plain data) as YAML that Psych reads back with every string a string, byte
 * for byte. `comment` goes before the document.
 */
export function stringifyForGitLab(value: unknown, comment?: string): string {
  const doc = new Document(value);
  if (comment !== undefined) doc.commentBefore = comment;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (LONE_SURROGATE.test(node.value)) {
        throw new Error(`cannot write a lone UTF-16 surrogate in YAML: ${JSON.stringify(node.value)}`);
      }
      if (needsDoubleQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
      // Psych takes a `<<` key as a merge even when quoted; only an explicit tag makes it text.
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
  });
  // lineWidth 0: no folding, so long script lines stay one line (readable in the job log).
  const text = doc.toString({ lineWidth: 0 });
  // Every such character is now inside a double-quoted scalar (or the comment, where an escape is
  // harmless text), and the library escapes backslashes, so a \u escape means the character itself.
  return text.replace(ESCAPE_IN_OUTPUT, escapeCharacter);
}
