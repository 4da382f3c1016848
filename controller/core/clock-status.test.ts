import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../store/database.ts';
import { AlarmManager } from './alarms.ts';
import { ClockStatus, parseNtp } from './clock-status.ts';
import { Pipeline } from './pipeline.ts';

test('NTP status: unsynchronized raises a warning that clears once synchronized; no systemd is unknown', async () => {
  assert.equal(parseNtp(null), 'unknown');
  assert.equal(parseNtp('maybe\n'), 'unknown');
  const db = openDatabase(':memory:');
  const alarms = new AlarmManager(db, new Pipeline(db));
  let out: string | null = 'no\n';
  const clock = new ClockStatus(alarms, async () => out);
  assert.equal(await clock.check(), 'unsynchronized');
  assert.ok(alarms.isActive('clock.unsynchronized'));
  out = 'yes\n';
  assert.equal(await clock.check(), 'synchronized');
  assert.equal(alarms.isActive('clock.unsynchronized'), false);
});
