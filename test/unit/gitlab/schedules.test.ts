import { describe, expect, test } from 'vitest';
import {
  type ExistingSchedule,
  isCronExpression,
  planScheduleChange,
  type ScheduleSpec,
} from '../../../src/gitlab/schedules.js';

const spec: ScheduleSpec = {
  description: 'kiln weekly rebuild',
  ref: 'main',
  cron: '0 3 * * 1',
  timezone: 'UTC',
  active: true,
};
const existing = (over: Partial<ExistingSchedule> = {}): ExistingSchedule => ({
  id: 3,
  description: 'kiln weekly rebuild',
  ref: 'refs/heads/main',
  cron: '0 3 * * 1',
  cron_timezone: 'UTC',
  active: true,
  ...over,
});

describe('planScheduleChange', () => {
  test.each([
    ['no schedule yet', [], { kind: 'create' }],
    ['only other schedules', [existing({ description: 'nightly' })], { kind: 'create' }],
    [
      'the same schedule (full ref, extra spaces in cron)',
      [existing({ cron: '0  3 * * 1' })],
      { kind: 'unchanged', id: 3, duplicates: [] },
    ],
    [
      'another cron',
      [existing({ cron: '0 4 * * 1' })],
      { kind: 'update', id: 3, fields: ['cron'], duplicates: [] },
    ],
    [
      'another branch and zone, inactive',
      [existing({ ref: 'develop', cron_timezone: 'Europe/Berlin', active: false })],
      { kind: 'update', id: 3, fields: ['ref', 'timezone', 'active'], duplicates: [] },
    ],
    [
      'duplicates: the oldest is kiln’s',
      [existing({ id: 9 }), existing({ id: 4 })],
      { kind: 'unchanged', id: 4, duplicates: [9] },
    ],
  ])('%s', (_, list, expected) => {
    expect(planScheduleChange(list, spec)).toEqual(expected);
  });
});

describe('isCronExpression', () => {
  test.each([
    ['0 3 * * 1', true],
    ['*/15 0-6 1,15 * MON-FRI', true],
    ['0 3 * *', false],
    ['0 3 * * 1 2026', false],
    ['0 3 * * 1; rm -rf /', false],
    ['', false],
  ])('%j → %s', (cron, valid) => {
    expect(isCronExpression(cron)).toBe(valid);
  });
});
