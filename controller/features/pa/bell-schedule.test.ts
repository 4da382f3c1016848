import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localTime } from '../access/decide.ts';
import { bellsDue, validateSchedules } from './bell-schedule.ts';

const winter = {
  id: 'winter',
  name: '冬季作息',
  bells: [
    { at: '08:00', days: [1, 2, 3, 4, 5], sound: 'chime', zones: 'all' as const, label: '第一节上课' },
    { at: '08:45', days: [1, 2, 3, 4, 5], sound: 'chime', zones: ['class-101'], label: '下课' },
  ],
};

test('schedules are validated: times, days, zones and clashes', () => {
  assert.deepEqual(validateSchedules([winter], ['class-101']), []);
  const bad = {
    id: 'exam',
    name: '考试',
    bells: [
      { at: '8:00', days: [1], sound: 'chime', zones: 'all' as const },
      { at: '09:00', days: [0, 8], sound: 'chime', zones: ['gym'] },
      { at: '10:00', days: [2], sound: 'chime', zones: 'all' as const },
      { at: '10:00', days: [2, 3], sound: 'chime', zones: 'all' as const },
    ],
  };
  assert.deepEqual(
    validateSchedules([bad, { ...winter, id: 'exam' }], ['class-101']).map((p) => `${p.bell}:${p.message}`),
    [
      '0:time "8:00" is not HH:MM',
      '1:days must be 1 (Monday) to 7',
      '1:no zone "gym"',
      '3:rings at 10:00 on day 2 like bell 2',
      'null:duplicate schedule id',
    ],
  );
});

test('bells ring on their minute and weekday, and not on holidays', () => {
  const monday8 = localTime(Date.parse('2026-11-23T00:00:30Z'), 'Asia/Shanghai');
  assert.deepEqual(
    bellsDue(winter, monday8, false).map((b) => b.label),
    ['第一节上课'],
  );
  assert.deepEqual(bellsDue(winter, monday8, true), []);
  assert.deepEqual(
    bellsDue(winter, localTime(Date.parse('2026-11-22T00:00:30Z'), 'Asia/Shanghai'), false),
    [],
    'Sunday',
  );
});
