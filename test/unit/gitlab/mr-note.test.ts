import { describe, expect, test } from 'vitest';
import { PLAN_NOTE_MARKER, planNoteBody } from '../../../src/gitlab/mr-note.js';

describe('planNoteBody', () => {
  test('starts with the hidden marker and fences the table', () => {
    const body = planNoteBody({
      table: 'PROJECT  REASON\nnginx    changed',
      commitSha: 'a'.repeat(40),
      pipelineUrl: 'https://gitlab.example.com/p/-/pipelines/1',
    });
    expect(body).toBe(
      [
        PLAN_NOTE_MARKER,
        '#### kiln plan',
        '',
        '```text',
        'PROJECT  REASON',
        'nginx    changed',
        '```',
        '',
        `Updated for commit ${'a'.repeat(12)}, [pipeline](https://gitlab.example.com/p/-/pipelines/1).`,
      ].join('\n'),
    );
  });

  test('a table containing a backtick fence gets a tilde fence, so it cannot close early', () => {
    const body = planNoteBody({ table: 'x ``` y' });
    expect(body).toContain('~~~~text\nx ``` y\n~~~~');
    expect(body).not.toContain('Updated for');
  });
});
