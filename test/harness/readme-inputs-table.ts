// Reads the component inputs table of README.md (section `component`) back into rows, so a test
// can compare it with the template's spec:inputs. Cells: `name` | type | `default` or (empty) |
// allowed values (`a`, `b` or regex `…`) | description. `\|` escapes a pipe inside a cell.

export interface InputsTableRow {
  input: string;
  type: string;
  default: string;
  allowed: string;
  description: string;
}

const HEADER = '| input | type | default | allowed | description |';

export function readmeInputsTable(readme: string): InputsTableRow[] {
  const section = readme.split('<!-- section:component -->')[1]?.split('<!-- /section:component -->')[0];
  if (section === undefined) throw new Error('README.md has no section:component');
  const lines = section.split('\n');
  const start = lines.findIndex((line) => line.trim() === HEADER);
  if (start < 0) throw new Error(`README.md section component has no table starting with ${HEADER}`);
  const rows: InputsTableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replaceAll('\\|', '|'));
    const [input = '', type = '', def = '', allowed = '', description = ''] = cells.map((c) =>
      c.replaceAll('`', ''),
    );
    rows.push({ input, type, default: def === '(empty)' ? '' : def, allowed, description });
  }
  return rows;
}
