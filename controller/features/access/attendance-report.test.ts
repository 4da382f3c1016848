import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classReport,
  dayReport,
  daysOfMonth,
  isSchoolDay,
  monthReport,
  type ReportPerson,
} from './attendance-report.ts';
import type { DayAttendance } from './types.ts';

const people: ReportPerson[] = [
  { id: 's2', name: '王芳', class: '初一(2)班', kind: 'student' },
  { id: 's1', name: '李雷', class: '初一(1)班', kind: 'student' },
  { id: 's3', name: '韩梅梅', class: '初一(1)班', kind: 'student' },
  { id: 't1', name: '张老师', class: null, kind: 'staff' },
];
const row = (day: string, cardholderId: string, entries: number, exits = 0): DayAttendance => ({
  day,
  cardholderId,
  firstIn: entries ? 1000 : null,
  lastOut: exits ? 2000 : null,
  entries,
  exits,
});

describe('attendance reports', () => {
  test('the day lists everyone, absent ones too, by class then name', () => {
    const r = dayReport(people, [row('2026-12-01', 's1', 1, 1), row('2026-12-01', 's2', 0, 1)]);
    assert.deepEqual(
      r.map((p) => [p.id, p.present]),
      [
        ['t1', false],
        // Pinyin order: Han before Li.
        ['s3', false],
        ['s1', true],
        ['s2', false],
      ],
    );
    // Only an exit (the entry went unrecorded, or a tailgate) is not presence.
    assert.equal(r.find((p) => p.id === 's2')!.exits, 1);
  });

  test('a class counts enrolled, present and absent and names the absent; no class, no row', () => {
    assert.deepEqual(classReport(people, [row('2026-12-01', 's1', 2)]), [
      { class: '初一(1)班', enrolled: 2, present: 1, absent: 1, absentees: ['韩梅梅'] },
      { class: '初一(2)班', enrolled: 1, present: 0, absent: 1, absentees: ['王芳'] },
    ]);
  });

  test('the month counts school days only, a passage on a weekend or holiday does not count', () => {
    const holidays = new Set(['2026-10-01', '2026-10-02']);
    const days = daysOfMonth('2026-10', '2026-10-09').filter((d) => isSchoolDay(d, (x) => holidays.has(x)));
    // 1-2 holiday, 3-4 weekend: the 5th to the 9th.
    assert.deepEqual(days, ['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09']);
    const r = monthReport(
      people.slice(0, 2),
      [row('2026-10-01', 's1', 1), row('2026-10-05', 's1', 1), row('2026-10-05', 's1', 1), row('2026-10-06', 's1', 1)],
      days,
    );
    const s1 = r.find((p) => p.id === 's1')!;
    assert.deepEqual([s1.schoolDays, s1.present, s1.absent], [5, 2, 3]);
    assert.deepEqual(s1.absentDays, ['2026-10-07', '2026-10-08', '2026-10-09']);
    assert.equal(r.find((p) => p.id === 's2')!.absent, 5);
  });

  test('a month stops at the last day asked for and at its own end', () => {
    assert.equal(daysOfMonth('2026-02', '2026-12-31').length, 28);
    assert.equal(daysOfMonth('2028-02', '2028-12-31').length, 29);
    assert.deepEqual(daysOfMonth('2026-12', '2026-12-02'), ['2026-12-01', '2026-12-02']);
    assert.deepEqual(daysOfMonth('2027-01', '2026-12-02'), []);
  });
});
