import { describe, expect, test } from 'vitest';
import { describeReason, formatSelectionTable, selectionJson } from '../../../src/select/format-selection.js';
import type { Reason, Selection } from '../../../src/types.js';

describe('describeReason', () => {
  test.each<[Reason, string]>([
    [{ kind: 'changed', files: ['projects/a/x'] }, 'changed: projects/a/x'],
    [{ kind: 'changed', files: ['1', '2', '3', '4', '5'] }, 'changed: 1, 2, 3 (+2 more)'],
    [{ kind: 'global', files: ['shared/ca.pem'] }, 'global path changed: shared/ca.pem'],
    [{ kind: 'renamed', from: 'web' }, 'renamed from web'],
    [{ kind: 'scheduled', file: 'rebuild-weekly.txt' }, 'scheduled (rebuild-weekly.txt)'],
    [{ kind: 'manual', value: 'all' }, 'manual (all)'],
    [{ kind: 'dependency', of: 'base' }, 'dependency base is rebuilt'],
    [{ kind: 'all', why: 'first push' }, 'every project: first push'],
  ])('%j → %s', (reason, text) => {
    expect(describeReason(reason)).toBe(text);
  });
});

describe('formatSelectionTable', () => {
  const selection: Selection = {
    trigger: 'push',
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    projects: [
      {
        name: 'base',
        reasons: [
          { kind: 'changed', files: ['projects/base/Dockerfile'] },
          { kind: 'renamed', from: 'old' },
        ],
      },
      { name: 'application', reasons: [{ kind: 'dependency', of: 'base' }] },
    ],
    deleted: ['gone'],
    notes: ['a note'],
  };

  test('one row per reason, names aligned, range and deletions shown', () => {
    expect(formatSelectionTable(selection)).toBe(
      [
        'trigger: push aaaaaaaaaaaa..bbbbbbbbbbbb',
        'PROJECT      REASONS',
        'base         changed: projects/base/Dockerfile',
        '             renamed from old',
        'application  dependency base is rebuilt',
        'deleted (not built): gone',
      ].join('\n'),
    );
  });

  test('nothing selected says so', () => {
    expect(formatSelectionTable({ trigger: 'schedule', projects: [], deleted: [], notes: [] })).toBe(
      'trigger: schedule\nno project selected',
    );
  });

  test('the JSON document has stable keys and null for a missing range', () => {
    const json = selectionJson({ trigger: 'manual', projects: [], deleted: [], notes: [] });
    expect(Object.keys(json)).toEqual(['trigger', 'base', 'head', 'projects', 'deleted', 'notes']);
    expect([json['base'], json['head']]).toEqual([null, null]);
  });
});
