import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../store/database.ts';
import { Allowlist } from './allowlist.ts';
import { CodedError } from '../../core/message-catalog.ts';
import { dayStart, decide, localTime } from './decide.ts';

const school = {
  version: 1,
  groups: [
    { id: 'students', name: '学生' },
    { id: 'staff', name: '教职工' },
  ],
  schedules: [
    {
      id: 'school-day',
      name: '上学日',
      onHolidays: false,
      intervals: [{ days: [1, 2, 3, 4, 5], from: '06:30', to: '18:30' }],
    },
    {
      id: 'always',
      name: '全天',
      onHolidays: true,
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    },
  ],
  holidays: [{ date: '2026-10-01', name: '国庆节' }],
  rules: [
    { gateId: 'south', groupId: 'students', scheduleId: 'school-day' },
    { gateId: 'south', groupId: 'staff', scheduleId: 'always' },
  ],
  cardholders: [
    {
      id: 's1',
      name: '张三',
      kind: 'student' as const,
      class: '初一(1)班',
      card: '8066007',
      validFrom: null,
      validTo: '2027-07-31',
      enabled: true,
      groups: ['students'],
    },
    {
      id: 't1',
      name: '李老师',
      kind: 'staff' as const,
      class: null,
      card: '1234',
      validFrom: null,
      validTo: null,
      enabled: true,
      groups: ['staff'],
    },
    {
      id: 's2',
      name: '王五',
      kind: 'student' as const,
      class: '初一(2)班',
      card: '5555',
      validFrom: null,
      validTo: null,
      enabled: false,
      groups: ['students'],
    },
  ],
};

function setup() {
  const list = new Allowlist(openDatabase(':memory:'));
  list.apply(school);
  return list;
}

// 2026-11-23 is a Monday; Asia/Shanghai is UTC+8.
const at = (iso: string) => localTime(Date.parse(iso), 'Asia/Shanghai');
const input = (card: string, when: string, extra = {}) => ({
  card,
  gateId: 'south',
  direction: 'in' as const,
  mode: 'normal' as const,
  at: at(when),
  antiPassback: false,
  ...extra,
});

test('local time follows the school time zone', () => {
  assert.deepEqual(at('2026-11-22T23:30:00Z'), { date: '2026-11-23', weekday: 1, minutes: 7 * 60 + 30 });
});

test('students pass on school days within hours; staff always; holidays close the school day', () => {
  const list = setup();
  assert.equal(decide(input('8066007', '2026-11-23T00:00:00Z'), list).reason, 'granted');
  assert.equal(decide(input('8066007', '2026-11-23T12:00:00Z'), list).reason, 'outside-schedule', '20:00 local');
  assert.equal(decide(input('8066007', '2026-11-22T02:00:00Z'), list).reason, 'outside-schedule', 'Sunday');
  assert.equal(decide(input('8066007', '2026-10-01T02:00:00Z'), list).reason, 'outside-schedule', 'National Day');
  assert.equal(decide(input('1234', '2026-10-01T14:00:00Z'), list).reason, 'granted');
});

test('unknown, disabled, expired cards and other gates are denied with the reason', () => {
  const list = setup();
  assert.deepEqual(decide(input('999', '2026-11-23T00:00:00Z'), list), {
    granted: false,
    cardholder: null,
    reason: 'unknown-card',
  });
  assert.equal(decide(input('5555', '2026-11-23T00:00:00Z'), list).reason, 'disabled');
  assert.equal(decide(input('8066007', '2027-09-01T00:00:00Z'), list).reason, 'expired');
  assert.equal(decide(input('8066007', '2026-11-23T00:00:00Z', { gateId: 'north' }), list).reason, 'no-rule');
});

test('gate modes: locked denies everyone, free passage lets any known card through', () => {
  const list = setup();
  assert.equal(decide(input('1234', '2026-11-23T00:00:00Z', { mode: 'locked' }), list).reason, 'gate-locked');
  assert.equal(decide(input('8066007', '2026-11-23T12:00:00Z', { mode: 'free' }), list).reason, 'free-passage');
});

test('anti-passback refuses a second entry without an exit', () => {
  const list = setup();
  list.notePassage('s1', 'in', '2026-11-23');
  assert.equal(decide(input('8066007', '2026-11-23T00:00:00Z', { antiPassback: true }), list).reason, 'anti-passback');
  assert.equal(
    decide(input('8066007', '2026-11-23T00:00:00Z', { antiPassback: true, direction: 'out' }), list).reason,
    'granted',
  );
  list.setToday('2026-11-24');
  assert.equal(
    decide(input('8066007', '2026-11-24T00:00:00Z', { antiPassback: true }), list).reason,
    'granted',
    'a new day starts clean',
  );
});

test('versioned deltas: applied in order, a stale base is refused, a full resync replaces all', () => {
  const list = setup();
  assert.equal(list.version, 1);
  list.apply({
    version: 2,
    baseVersion: 1,
    deleteCardholders: ['s2'],
    cardholders: [{ ...school.cardholders[0]!, card: '777' }],
  });
  assert.equal(list.byCard('8066007'), undefined, 'the card moved');
  assert.equal(list.byCard('777')!.id, 's1');
  assert.equal(list.byId('s2'), undefined);
  assert.throws(() => list.apply({ version: 3, baseVersion: 1 }), CodedError);
  list.apply({
    version: 9,
    full: true,
    cardholders: [school.cardholders[1]!],
    groups: school.groups,
    schedules: school.schedules,
    rules: school.rules,
  });
  assert.deepEqual(
    list.cardholders().map((c) => c.id),
    ['t1'],
  );
  assert.equal(list.version, 9);
});

test("a school day begins at the school's midnight, whatever the server's zone", () => {
  assert.equal(new Date(dayStart('2026-12-01', 'Asia/Shanghai')).toISOString(), '2026-11-30T16:00:00.000Z');
  assert.equal(new Date(dayStart('2026-12-01', 'Asia/Urumqi')).toISOString(), '2026-11-30T18:00:00.000Z');
  // The day a clock goes forward: midnight is still before the change.
  assert.equal(new Date(dayStart('2026-03-29', 'Europe/Berlin')).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(new Date(dayStart('2026-03-30', 'Europe/Berlin')).toISOString(), '2026-03-29T22:00:00.000Z');
});
