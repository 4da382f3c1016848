import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../store/database.ts';
import { AlarmManager } from './alarms.ts';
import { Pipeline } from './pipeline.ts';

const raise = (alarms: AlarmManager) =>
  alarms.raise({
    key: 'emergency.button:lodge',
    type: 'emergency.button',
    source: 'lodge',
    severity: 'critical',
    message: 'press',
  });

test("evidence attached to an alarm joins its list, is recorded, and reaches the alarm's row", () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const a = raise(alarms);
  alarms.attach(a.id, 'clips', { camera: 'cam-gate' });
  alarms.attach(a.id, 'clips', { camera: 'cam-yard' });
  p.flush();
  const open = alarms.openAlarms()[0]!;
  assert.deepEqual(open.data.clips, [{ camera: 'cam-gate' }, { camera: 'cam-yard' }]);
  assert.deepEqual(alarms.history({ limit: 5 })[0]!.data.clips, open.data.clips, 'the stored row has them');
  assert.equal(p.log.search({ type: 'alarm.updated', limit: 5 }).length, 2);
  assert.equal(alarms.attach('8d1e4c9a-0000-4000-8000-000000000000', 'clips', {}), undefined, 'no such alarm');
});

test('a closed alarm still takes evidence, and a newer alarm on the same key is left alone', () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const first = raise(alarms);
  alarms.acknowledge(first.id, 'user:guard');
  alarms.clear(first.key);
  p.flush();
  const second = raise(alarms);
  alarms.attach(first.id, 'clips', { camera: 'cam-gate' });
  p.flush();
  const rows = alarms.history({ limit: 5 });
  assert.deepEqual(rows.find((r) => r.id === first.id)!.data.clips, [{ camera: 'cam-gate' }]);
  assert.equal(alarms.openAlarms()[0]!.id, second.id, 'the open alarm is still the newer one');
  assert.equal(alarms.openAlarms()[0]!.data.clips, undefined);
});
