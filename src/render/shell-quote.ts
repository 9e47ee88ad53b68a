// The one quoting function for everything kiln puts in a shell script. POSIX sh (busybox in the
// Kaniko debug image): single quotes make every byte literal; a single quote itself is '\''.

/** Quotes a value so that the shell receives it as exactly one argument, byte for byte. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) && !value.startsWith('-') && !value.startsWith('=')) {
    return value;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const VAR_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Quotes a value but lets the job's shell expand CI variable references (`$NAME`, `${NAME}`), as
 * kaniko-builder configs expect for build args like `BASE=${ECR_REGISTRY}/base`. Everything else
 * stays literal; an expansion is double-quoted, so its value is never split, globbed or re-parsed.
 */
export function shellQuoteExpandingVars(value: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of value.matchAll(VAR_REF)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(shellQuote(value.slice(last, index)));
    parts.push(`"\${${match[1] ?? match[2]}}"`);
    last = index + match[0].length;
  }
  if (last < value.length || parts.length === 0) parts.push(shellQuote(value.slice(last)));
  return parts.join('');
}

/** Joins argv into one command line, each argument quoted. */
export function shellCommand(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** A piece of one shell word: literal text, a CI variable the job's shell expands, or config text
 * whose own `$VAR` references expand (build args). */
export type WordPart = { text: string } | { variable: string } | { expanding: string };

/** Renders one shell word from parts, e.g. `dir://` + `${CI_PROJECT_DIR}` + `/projects/x`. */
export function shellWord(parts: WordPart[]): string {
  if (parts.length === 0) return "''";
  return parts
    .map((part) => {
      if ('text' in part) return shellQuote(part.text);
      if ('variable' in part) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part.variable))
          throw new Error(`bad variable name ${part.variable}`);
        return `"\${${part.variable}}"`;
      }
      return shellQuoteExpandingVars(part.expanding);
    })
    .join('');
}
