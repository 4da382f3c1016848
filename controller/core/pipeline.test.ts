import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { openDatabase } from '../store/database.ts';
import { AlarmManager } from './alarms.ts';
import { Pipeline } from './pipeline.ts';
import { Lane, type StoredEvent } from './types.ts';

test('records of one tick commit in one transaction, with ids and gap-free sequence numbers', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const seen: StoredEvent[][] = [];
  p.onCommitted((batch) => seen.push([...batch]));
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => p.ingest({ topic: 'telemetry', type: 't', source: 's', data: { i } })));
  assert.deepEqual(all.map((e) => e.seq), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(new Set(all.map((e) => e.id)).size, 50);
  assert.equal(p.stats.batches, 1);
  assert.equal(seen.length, 1);
  assert.equal(all[0]!.lane, Lane.telemetry);
  // Listeners run after the commit: the record is already readable.
  assert.equal(p.log.get(all[49]!.id)!.data.i, 49);
});

test('the sequence continues after a restart and never reuses an evicted number', async () => {
  const t = tempDir('seq');
  const file = join(t.dir, 'db.sqlite');
  let db = openDatabase(file);
  let p = new Pipeline(db);
  for (let i = 0; i < 3; i++) await p.ingest({ topic: 'telemetry', type: 't', source: 's', data: {} });
  db.prepare('DELETE FROM events WHERE seq = 3').run();
  db.close();
  db = openDatabase(file);
  p = new Pipeline(db);
  assert.equal((await p.ingest({ topic: 'alarms', type: 'x', source: 's', data: {} })).seq, 4);
  db.close();
  t.remove();
});

test('a listener that throws is reported and does not undo the commit', async () => {
  const p = new Pipeline(openDatabase(':memory:'));
  const errors: Error[] = [];
  p.onError = (e) => errors.push(e);
  p.onCommitted(() => { throw new Error('boom'); });
  const e = await p.ingest({ topic: 'events/x', type: 't', source: 's', data: {} });
  assert.equal(errors[0]!.message, 'boom');
  assert.ok(p.log.get(e.id));
});

test('alarm lifecycle: raise once per key, acknowledge, clear; each change is an event and the table follows', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const a = alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'CO2 high' });
  assert.equal(alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'again' }).id, a.id);
  assert.ok(alarms.acknowledge(a.id, 'user:guard1'));
  assert.equal(alarms.acknowledge(a.id, 'user:guard1'), undefined, 'a second ack is refused');
  assert.equal(alarms.openAlarms().length, 1, 'acknowledged but still active: open');
  alarms.clear('k');
  assert.equal(alarms.openAlarms().length, 0, 'cleared and acknowledged: closed');
  p.flush();
  const events = p.log.search({ topic: 'alarms', limit: 10 }).reverse();
  assert.deepEqual(events.map((e) => e.type), ['alarm.raised', 'alarm.acknowledged', 'alarm.cleared']);
  const row = db.prepare('SELECT active, acked_by FROM alarms WHERE id = ?').get(a.id);
  assert.deepEqual(row, { active: 0, acked_by: 'user:guard1' });
  // A new occurrence after closing is a new alarm; an open one survives a restart.
  const b = alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'CO2 high' });
  assert.notEqual(b.id, a.id);
  p.flush();
  assert.equal(new AlarmManager(db, new Pipeline(db)).openAlarms()[0]!.id, b.id);
});

test('a failed commit keeps its records and retries them in order', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const errors: string[] = [];
  p.onError = (e, where) => errors.push(`${where}: ${e.message}`);
  let failures = 1;
  p.addTransactionHook(() => { if (failures-- > 0) throw new Error('SQLITE_FULL: database or disk is full'); });
  const committed = await Promise.all([1, 2, 3].map((i) => p.ingest({ topic: 'events/x', type: 't', source: 's', data: { i } })));
  assert.deepEqual(committed.map((e) => e.seq), [1, 2, 3]);
  assert.deepEqual(errors, ['commit: SQLITE_FULL: database or disk is full']);
  assert.equal(p.log.search({ limit: 10 }).length, 3);
});

test('device health: changes are events and alarms; a steady online state is not written on every poll', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  let now = 1_000_000;
  const { HealthRegistry } = await import('./health.ts');
  const h = new HealthRegistry(db, p, alarms, () => now);
  h.report('gate-1', 'gate', 'online');
  const writes = () => (db.prepare('SELECT last_ok_at AS t FROM devices WHERE id = ?').get('gate-1') as { t: number }).t;
  for (let i = 0; i < 50; i++) { now += 100; h.report('gate-1', 'gate', 'online'); }
  assert.equal(writes(), 1_000_000, 'five seconds of polls, no write');
  assert.equal(h.list()[0]!.last_ok_at, now, 'the console still sees the latest good answer');
  now += 60_000;
  h.report('gate-1', 'gate', 'online');
  assert.equal(writes(), now, 'persisted once a minute');
  h.report('gate-1', 'gate', 'offline', 'no answer');
  assert.ok(alarms.isActive('device.offline:gate-1'));
  h.report('gate-1', 'gate', 'online');
  assert.equal(alarms.isActive('device.offline:gate-1'), false);
  p.flush();
  assert.deepEqual(p.log.search({ type: 'device.health', limit: 5 }).map((e) => e.data.health).reverse(), ['offline', 'online']);
});
