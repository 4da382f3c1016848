import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZoneLogic, type ZoneOutcome } from './zone-logic.ts';

const kinds = (o: ZoneOutcome[]) =>
  o.map((x) => (x.kind === 'state' ? x.state : x.kind === 'tamper' ? `tamper ${x.active}` : x.kind));

test('an instant zone: opening while armed alarms at once; disarmed or closed again it does not', () => {
  const z = new ZoneLogic(0, 0);
  assert.deepEqual(kinds(z.input(true, 0)), [], 'disarmed: recorded by the caller, no alarm');
  z.input(false, 1);
  assert.deepEqual(kinds(z.arm(2, 'guard')), ['armed']);
  assert.deepEqual(kinds(z.arm(3, 'again')), [], 'arming an armed zone does nothing');
  assert.deepEqual(kinds(z.input(true, 4)), ['alarm', 'intrusion']);
  assert.deepEqual(kinds(z.input(true, 5)), [], 'still open: no second alarm');
  assert.deepEqual(kinds(z.input(false, 6)), [], 'closing does not clear the alarm: it latches');
  assert.equal(z.state, 'alarm');
  assert.deepEqual(kinds(z.disarm(7, 'guard')), ['disarmed']);
});

test('exit delay: the zone may open while leaving; still open when it ends is an alarm', () => {
  const z = new ZoneLogic(0, 30_000);
  assert.deepEqual(kinds(z.arm(0, 'guard')), ['exit']);
  assert.deepEqual(kinds(z.input(true, 5000)), [], 'the guard walks out');
  z.input(false, 8000);
  assert.deepEqual(kinds(z.tick(29_999)), []);
  assert.deepEqual(kinds(z.tick(30_000)), ['armed']);
  const y = new ZoneLogic(0, 30_000);
  y.arm(0, 'guard');
  y.input(true, 1000);
  assert.deepEqual(kinds(y.tick(30_000)), ['armed', 'alarm', 'intrusion'], 'the door left open');
});

test('entry delay: disarmed in time, no alarm; not in time, an alarm', () => {
  const z = new ZoneLogic(20_000, 0);
  z.arm(0, 'schedule');
  assert.deepEqual(kinds(z.input(true, 1000)), ['entry']);
  assert.deepEqual(kinds(z.tick(20_999)), []);
  assert.deepEqual(kinds(z.disarm(21_000, 'guard')), ['disarmed']);
  assert.deepEqual(kinds(z.tick(40_000)), [], 'the deadline went with the disarm');
  z.input(false, 41_000);
  z.arm(50_000, 'schedule');
  z.input(true, 51_000);
  assert.deepEqual(kinds(z.tick(71_000)), ['alarm', 'intrusion']);
});

test('a bypassed zone ignores its detector, never its tamper; arming an open zone alarms', () => {
  const z = new ZoneLogic(0, 0);
  z.bypass(true);
  z.arm(0, 'guard');
  assert.deepEqual(kinds(z.input(true, 1)), []);
  assert.deepEqual(kinds(z.tamperInput(true)), ['tamper true'], 'tamper is always armed');
  assert.deepEqual(kinds(z.tamperInput(true)), []);
  assert.deepEqual(kinds(z.tamperInput(false)), ['tamper false']);
  z.disarm(2, 'guard');
  z.bypass(false);
  assert.deepEqual(kinds(z.arm(3, 'guard')), ['armed', 'alarm', 'intrusion'], 'armed while open, not bypassed');
  const d = new ZoneLogic(0, 0);
  assert.deepEqual(kinds(d.tamperInput(true)), ['tamper true'], 'even disarmed');
});
