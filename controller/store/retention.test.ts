import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlarmManager } from '../core/alarms.ts';
import { Pipeline } from '../core/pipeline.ts';
import { Lane } from '../core/types.ts';
import { openDatabase } from './database.ts';
import { Retention } from './retention.ts';

const policy = {
  urgentDays: 180,
  eventDays: 180,
  telemetryDays: 30,
  downsampleAfterHours: 24,
  bucketMinutes: 5,
  diskBudgetBytes: 1 << 30,
};

async function fill(p: Pipeline, n: number, topic: 'telemetry' | 'events/access', ts?: number) {
  const pad = 'x'.repeat(400);
  for (let i = 0; i < n; i++)
    void p.ingest({ topic, type: 't', source: 's', ts, data: { pad, room: 'r', readings: [] } });
  p.flush();
}

test('over the disk budget telemetry is evicted, recorded, and alarms are kept', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  await fill(p, 200, 'events/access');
  await fill(p, 3000, 'telemetry');
  const r0 = new Retention(db, p, alarms, policy);
  const budget = Math.floor(r0.usedBytes() * 0.5);
  const report = new Retention(db, p, alarms, { ...policy, diskBudgetBytes: budget }).run();
  p.flush();
  assert.ok(report.evictedUndelivered > 0, 'undelivered telemetry was evicted');
  assert.ok(!report.overBudget && report.usedBytes <= budget);
  const count = (lane: number) =>
    (db.prepare('SELECT count(*) AS n FROM events WHERE lane = ?').get(lane) as { n: number }).n;
  assert.equal(count(Lane.urgent), 200, 'no alarm record was evicted');
  const notice = p.log.search({ type: 'storage.telemetry-evicted', limit: 1 })[0]!;
  assert.equal(notice.data.count, report.evictedUndelivered);
});

test('a store full of alarms raises storage.full instead of dropping any', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  await fill(p, 500, 'events/access');
  const report = new Retention(db, p, alarms, { ...policy, diskBudgetBytes: 4096 }).run();
  assert.ok(report.overBudget);
  assert.ok(alarms.isActive('storage.full'));
  assert.equal(
    (db.prepare('SELECT count(*) AS n FROM events WHERE lane = 0 AND type = ?').get('t') as { n: number }).n,
    500,
  );
});

test('old raw readings are downsampled to bucket means; delivered old records expire', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const now = Date.UTC(2026, 10, 20, 12);
  const ins = db.prepare('INSERT INTO readings (device, room, point, ts, value) VALUES (?, ?, ?, ?, ?)');
  const old = now - 48 * 3_600_000;
  for (const [i, v] of [10, 20, 30].entries()) ins.run('d', 'r', 'co2', old + i * 1000, v);
  ins.run('d', 'r', 'co2', now - 1000, 99);
  await fill(p, 3, 'events/access', now - 200 * 86_400_000);
  db.prepare('UPDATE events SET delivered = 1 WHERE seq = 1').run();
  const report = new Retention(db, p, alarms, policy, () => now).run();
  assert.equal(report.downsampled, 3);
  assert.deepEqual(db.prepare('SELECT value, span FROM readings ORDER BY ts').all(), [
    { value: 20, span: 300000 },
    { value: 99, span: 0 },
  ]);
  assert.equal(
    (db.prepare('SELECT count(*) AS n FROM events WHERE lane = 0').get() as { n: number }).n,
    2,
    'only the delivered one expired',
  );
});

test('telemetry that aged out undelivered (the clock stepped a month forward) goes on the record, not silently', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const now = Date.UTC(2026, 10, 20, 12);
  await fill(p, 5, 'telemetry', now - 31 * 86_400_000);
  db.prepare('UPDATE events SET delivered = 1 WHERE seq <= 2').run();
  const report = new Retention(db, p, alarms, policy, () => now).run();
  p.flush();
  assert.equal(report.expired, 2, 'the delivered ones expire');
  assert.equal(report.evictedUndelivered, 3);
  const notice = p.log.search({ type: 'storage.telemetry-evicted', limit: 1 })[0]!;
  assert.deepEqual(notice.data, { count: 3, firstSeq: 3, lastSeq: 5, aged: 3 });
});
