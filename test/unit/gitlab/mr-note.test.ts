// The plan note's Markdown, read back with a CommonMark + GFM parser (marked): the table has the
// rows and cells meant, links go where they should, and the Mermaid block holds the depends_on
// edges. What GitLab renders is GFM; a parser, not string matching, is the check.
import { lexer, type Token, type Tokens } from 'marked';
import { describe, expect, test } from 'vitest';
import { commitUrl, PLAN_NOTE_MARKER, planNoteBody } from '../../../src/gitlab/mr-note.js';
import { MONOREPO_SHA, planOf, project, SHA_A } from '../plan/fixtures.js';

const PIPELINE_URL = 'https://gitlab.example.com/group/images/-/pipelines/4711';

function tokens(body: string): Token[] {
  return lexer(body);
}

function table(body: string): Tokens.Table {
  const found = tokens(body).filter((t): t is Tokens.Table => t.type === 'table');
  expect(found).toHaveLength(1);
  return found[0] as Tokens.Table;
}

/** A cell as text, and the links in it. */
function read(cell: Tokens.TableCell): { text: string; links: string[] } {
  const links: string[] = [];
  const walk = (list: Token[]): string =>
    list
      .map((t) => {
        if (t.type === 'link') links.push((t as Tokens.Link).href);
        if (t.type === 'br') return '\n';
        const children = (t as { tokens?: Token[] }).tokens;
        return children
          ? walk(children)
          : t.type === 'codespan'
            ? (t as Tokens.Codespan).text
            : 'text' in t
              ? t.text
              : '';
      })
      .join('');
  return { text: walk(cell.tokens), links };
}

describe('planNoteBody', () => {
  const base = project('base', { upstream_repo: 'https://github.com/acme/base.git', upstream_ref: 'v1.2.3' });
  const app = project('app', { use_local_context: true, depends_on: ['base'] });
  const tool = project('tool', { upstream_repo: 'https://git.example.com/tools/tool.git' });

  test('a table of project, reasons, linked upstream@SHA, platforms and tags, then the build order as Mermaid', () => {
    const plan = planOf([base, app]);
    const body = planNoteBody({
      plan,
      pipelineUrl: PIPELINE_URL,
      projectUrl: 'https://gitlab.example.com/group/images',
    });
    expect(body.startsWith(`${PLAN_NOTE_MARKER}\n`)).toBe(true);

    const parsed = table(body);
    expect(parsed.header.map((h) => h.text)).toEqual(['Project', 'Why', 'Source', 'Platforms', 'Tags']);
    const rows = parsed.rows.map((row) => row.map(read));
    expect(rows.map((row) => row[0]?.text)).toEqual(plan.projects.map((p) => p.name));
    const baseRow = rows[plan.projects.findIndex((p) => p.name === 'base')] ?? [];
    expect(baseRow[1]?.text).toBe('changed: projects/base/x');
    expect(baseRow[2]?.text).toBe(`https://github.com/acme/base.git v1.2.3 @ ${SHA_A.slice(0, 12)}`);
    expect(baseRow[2]?.links).toEqual([`https://github.com/acme/base/commit/${SHA_A}`]);
    expect(baseRow[3]?.text).toBe('linux/amd64 linux/arm64');
    const basePlan = plan.projects.find((p) => p.name === 'base');
    expect(baseRow[4]?.text).toBe([basePlan?.tags.default, ...(basePlan?.tags.additional ?? [])].join(' '));
    const appRow = rows[plan.projects.findIndex((p) => p.name === 'app')] ?? [];
    expect(appRow[2]?.links).toEqual([`https://gitlab.example.com/group/images/-/commit/${MONOREPO_SHA}`]);

    const mermaid = tokens(body).filter((t): t is Tokens.Code => t.type === 'code');
    expect(mermaid.map((t) => t.lang)).toEqual(['mermaid']);
    const lines = (mermaid[0]?.text ?? '').split('\n');
    expect(lines[0]).toBe('graph LR');
    const ids = Object.fromEntries(
      lines.flatMap((l) => {
        const m = /^ {2}(p\d+)\["(.+)"\]$/.exec(l);
        return m ? [[m[1], m[2]]] : [];
      }),
    );
    const edges = lines.flatMap((l) => {
      const m = /^ {2}(p\d+) --> (p\d+)$/.exec(l);
      return m ? [`${ids[m[1] ?? '']} -> ${ids[m[2] ?? '']}`] : [];
    });
    expect(edges).toEqual(['base -> app']);

    const links = tokens(body).flatMap((t) =>
      t.type === 'paragraph' ? ((t as Tokens.Paragraph).tokens ?? []) : [],
    );
    expect(links.some((t) => t.type === 'link' && (t as Tokens.Link).href === PIPELINE_URL)).toBe(true);
  });

  test('text that is Markdown syntax stays text: a pipe cannot add a column, no graph without edges', () => {
    const plan = planOf([tool]);
    const changed = 'projects/tool/a|b *c* _d_ <e> [f](g) @all !12 #3 `x`.txt';
    (plan.projects[0] as { reasons: unknown[] }).reasons = [{ kind: 'changed', files: [changed] }];
    const body = planNoteBody({ plan });
    const parsed = table(body);
    const why = parsed.rows[0]?.[1] as Tokens.TableCell;
    // One code span: GitLab renders it as it is, so nothing in a file name mentions or links.
    expect(why.tokens.map((t) => t.type)).toEqual(['codespan']);
    expect(read(why)).toEqual({ text: `changed: ${changed.replace(/`/g, "'")}`, links: [] });
    expect(parsed.rows[0]).toHaveLength(5);
    // Not github.com, not GitLab.com, not this pipeline's GitLab: no link is guessed.
    expect(read(parsed.rows[0]?.[2] as Tokens.TableCell).links).toEqual([]);
    expect(tokens(body).some((t) => t.type === 'code')).toBe(false);
  });

  test('a link destination with parentheses is percent-encoded, so it cannot end early', () => {
    const odd = project('odd', { upstream_repo: 'https://github.com/acme/we(ird).git' });
    const body = planNoteBody({ plan: planOf([odd]) });
    const source = read(table(body).rows[0]?.[2] as Tokens.TableCell);
    expect(source.links).toEqual([`https://github.com/acme/we%28ird%29/commit/${SHA_A}`]);
    expect(source.text).toBe(`https://github.com/acme/we(ird).git main @ ${SHA_A.slice(0, 12)}`);
  });

  test('nothing to build says so, without a table', () => {
    const body = planNoteBody({ plan: planOf([base], []) });
    expect(tokens(body).some((t) => t.type === 'table')).toBe(false);
    expect(body).toContain('Nothing to build.');
  });
});

describe('commitUrl', () => {
  test.each([
    ['https://github.com/acme/base.git', undefined, 'https://github.com/acme/base/commit/abc'],
    ['https://gitlab.com/acme/base', undefined, 'https://gitlab.com/acme/base/-/commit/abc'],
    [
      'https://gitlab.corp.example/acme/base.git',
      'gitlab.corp.example',
      'https://gitlab.corp.example/acme/base/-/commit/abc',
    ],
    ['https://git.example.com/acme/base.git', 'gitlab.corp.example', undefined],
    ['git@github.com:acme/base.git', undefined, undefined],
    ['https://user:secret@github.com/acme/base.git', undefined, undefined],
    ['http://github.com/acme/base.git', undefined, undefined],
  ])('%s (server %s) → %s', (url, server, expected) => {
    expect(commitUrl(url, 'abc', server)).toBe(expected);
  });
});
