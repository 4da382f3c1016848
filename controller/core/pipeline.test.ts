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
  const all = await Promise.all(
    Array.from({ length: 50 }, (_, i) => p.ingest({ topic: 'telemetry', type: 't', source: 's', data: { i } })),
  );
  assert.deepEqual(
    all.map((e) => e.seq),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
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
  p.onCommitted(() => {
    throw new Error('boom');
  });
  const e = await p.ingest({ topic: 'events/x', type: 't', source: 's', data: {} });
  assert.equal(errors[0]!.message, 'boom');
  assert.ok(p.log.get(e.id));
});

test('alarm lifecycle: raise once per key, acknowledge, clear; each change is an event and the table follows', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  const a = alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'CO2 high' });
  assert.equal(
    alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'again' }).id,
    a.id,
  );
  assert.ok(alarms.acknowledge(a.id, 'user:guard1'));
  assert.equal(alarms.acknowledge(a.id, 'user:guard1'), undefined, 'a second ack is refused');
  assert.equal(alarms.openAlarms().length, 1, 'acknowledged but still active: open');
  alarms.clear('k');
  assert.equal(alarms.openAlarms().length, 0, 'cleared and acknowledged: closed');
  p.flush();
  const events = p.log.search({ topic: 'alarms', limit: 10 }).reverse();
  assert.deepEqual(
    events.map((e) => e.type),
    ['alarm.raised', 'alarm.acknowledged', 'alarm.cleared'],
  );
  const row = db.prepare('SELECT active, acked_by FROM alarms WHERE id = ?').get(a.id);
  assert.deepEqual(row, { active: 0, acked_by: 'user:guard1' });
  // A new occurrence after closing is a new alarm; an open one survives a restart.
  const b = alarms.raise({ key: 'k', type: 'env.co2.high', source: 'co2-1', severity: 'major', message: 'CO2 high' });
  assert.notEqual(b.id, a.id);
  p.flush();
  assert.equal(new AlarmManager(db, new Pipeline(db)).openAlarms()[0]!.id, b.id);
});

test('a disk that is full keeps the records, in order, shows the store as failing, and commits them once there is room', async () => {
  const t = tempDir('full');
  const db = openDatabase(join(t.dir, 'db.sqlite'));
  const p = new Pipeline(db);
  const errors: string[] = [];
  p.onError = (e, where) => errors.push(`${where}: ${(e as Error & { code: string }).code}`);
  await p.ingest({ topic: 'events/x', type: 't', source: 's', data: {} });
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  const big = 'x'.repeat(20_000);
  const waiting = Promise.all(
    [1, 2, 3].map((i) => p.ingest({ topic: 'events/x', type: 't', source: 's', data: { i, big } })),
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(p.commitState.failingSince, 'the store says it is failing');
  assert.match(p.commitState.error!, /full/);
  db.pragma('max_page_count = 1073741823');
  const committed = await waiting;
  assert.deepEqual(
    committed.map((e) => e.seq),
    [2, 3, 4],
  );
  assert.equal(p.commitState.failingSince, null, 'green again after a commit');
  assert.ok(
    errors.every((e) => e === 'commit: SQLITE_FULL'),
    errors.join(),
  );
  assert.equal(p.log.search({ limit: 10 }).length, 4);
  db.close();
  t.remove();
});

test('a second writer that took sequence numbers does not wedge the store: the next records continue after it', async () => {
  const t = tempDir('second-writer');
  const file = join(t.dir, 'db.sqlite');
  const mine = new Pipeline(openDatabase(file));
  await mine.ingest({ topic: 'events/x', type: 'mine', source: 's', data: {} });
  const otherDb = openDatabase(file);
  const other = new Pipeline(otherDb);
  for (let i = 0; i < 5; i++) await other.ingest({ topic: 'events/x', type: 'other', source: 's', data: {} });
  otherDb.close();
  const errors: string[] = [];
  mine.onError = (e) => errors.push(e.message);
  const next = await Promise.all(
    [1, 2, 3].map(() => mine.ingest({ topic: 'events/x', type: 'mine', source: 's', data: {} })),
  );
  assert.deepEqual(
    next.map((e) => e.seq),
    [7, 8, 9],
  );
  assert.match(errors[0]!, /UNIQUE constraint failed: events\.seq/);
  assert.equal(mine.commitState.failingSince, null);
  const seqs = mine.log
    .search({ limit: 20 })
    .map((e) => e.seq)
    .reverse();
  assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'no gap, no reuse');
  t.remove();
});

test('a record the store can never take is refused alone; the rest of its batch commits', async () => {
  const p = new Pipeline(openDatabase(':memory:'));
  p.onError = () => {};
  const results = await Promise.allSettled([
    p.ingest({ topic: 'events/x', type: 'ok', source: 's', data: { i: 1 } }),
    p.ingest({ topic: 'events/x', type: 'poison', source: 's', data: { n: 1n } as never }),
    p.ingest({ topic: 'events/x', type: 'ok', source: 's', data: { i: 3 } }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(p.commitState.rejected, 1);
  assert.equal(p.commitState.failingSince, null);
  assert.deepEqual(
    p.log.search({ limit: 10 }).map((e) => [e.seq, e.type]),
    [
      [2, 'ok'],
      [1, 'ok'],
    ],
    'no gap where it would have been',
  );
  assert.equal((await p.ingest({ topic: 'events/x', type: 'ok', source: 's', data: {} })).seq, 3);
});

test('device health: changes are events and alarms; a steady online state is not written on every poll', async () => {
  const db = openDatabase(':memory:');
  const p = new Pipeline(db);
  const alarms = new AlarmManager(db, p);
  let now = 1_000_000;
  const { HealthRegistry } = await import('./health.ts');
  const h = new HealthRegistry(db, p, alarms, () => now);
  h.report('gate-1', 'gate', 'online');
  const writes = () =>
    (db.prepare('SELECT last_ok_at AS t FROM devices WHERE id = ?').get('gate-1') as { t: number }).t;
  for (let i = 0; i < 50; i++) {
    now += 100;
    h.report('gate-1', 'gate', 'online');
  }
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
  assert.deepEqual(
    p.log
      .search({ type: 'device.health', limit: 5 })
      .map((e) => e.data.health)
      .reverse(),
    ['offline', 'online'],
  );
});
