// Characters no config value may hold. GitLab reads the child pipeline with Ruby's Psych (YAML
// 1.1), for which NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) are line
// breaks: one of them in a value that a writer leaves unquoted ends the line there, and the rest
// can become a job of its own. Control characters (C0, DEL, C1), the byte-order mark and lone
// surrogates have no place in a path, ref, URL or build argument either; YAML 1.1 cannot even
// print most of them. Tab stays allowed where a value may hold spaces (build args).
import type { Finding } from './git-url.js';

const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;
const UNSAFE_OR_TAB = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;

const NAMES: Record<number, string> = {
  0: 'NUL',
  10: 'newline',
  13: 'carriage return',
  9: 'tab',
  133: 'next line, NEL',
  8232: 'line separator',
  8233: 'paragraph separator',
  65279: 'byte-order mark',
};

/** `U+2028 (line separator)`: how a refused character is named in messages. */
export function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const name = NAMES[code] ?? (code < 0x20 || (code >= 0x7f && code <= 0x9f) ? 'control character' : '');
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return name ? `${hex} (${name})` : hex;
}

/** The first character of `value` that no config value may hold, or undefined. */
export function firstUnsafeCharacter(
  value: string,
  options: { allowTab?: boolean } = {},
): string | undefined {
  return (options.allowTab ? UNSAFE : UNSAFE_OR_TAB).exec(value)?.[0];
}

/** A finding for `value` when it holds a character no config value may hold. */
export function unsafeTextFinding(
  value: string,
  hint: string,
  options: { allowTab?: boolean } = {},
): Finding | undefined {
  const char = firstUnsafeCharacter(value, options);
  if (char === undefined) return undefined;
  return {
    message: `must not contain ${describeCharacter(char)}: a line break or control character`,
    hint,
  };
}
