/**
 * Backlog drain: a store holding N undelivered records (a long outage) and a
 * broker that comes back. campus-edge's uplink (QoS1 window, marked delivered
 * on PUBACK) against the floor: a bare better-sqlite3 and mqtt.js loop over
 * an outbox table with the same window. Timed until the subscriber has every
 * record and the store has every one marked delivered.
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../controller/core/logger.ts';
import { Pipeline } from '../controller/core/pipeline.ts';
import { openDatabase } from '../controller/store/database.ts';
import { MqttUplink } from '../controller/uplink/mqtt-uplink.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { subscriber } from './ingest-forward.ts';

const WINDOW = 256;
const FILL_CHUNK = 10_000;
const reading = (i: number) => ({
  room: '101',
  model: 'bench',
  readings: [{ point: 'co2', value: 600 + (i % 400), unit: 'ppm' }],
});
const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
};

export interface DrainResult {
  name: string;
  records: number;
  fillS: number;
  drainS: number;
  perS: number;
}

async function campusEdge(url: string, dir: string, n: number): Promise<DrainResult> {
  const db = openDatabase(join(dir, 'ce.db'));
  const pipeline = new Pipeline(db);
  const t0 = performance.now();
  for (let i = 0; i < n; i += FILL_CHUNK) {
    for (let j = i; j < Math.min(n, i + FILL_CHUNK); j++)
      void pipeline.ingest({ topic: 'telemetry', type: 'env.reading', source: 'bench', data: reading(j) });
    pipeline.flush();
  }
  const fillS = (performance.now() - t0) / 1000;
  const sub = await subscriber(url, 'campus/b/b/ce/telemetry', n);
  const uplink = new MqttUplink(pipeline, createLogger('silent'), {
    config: { url, protocol_version: 4, keepalive_s: 30, window: WINDOW, reconnect_s: 1 },
    identity: { district: 'b', school: 'b', gateway: 'ce' },
    resolvePath: (p) => p,
    birth: {},
    onMessage: () => {},
  });
  const start = performance.now();
  uplink.start();
  await sub.finished;
  await until(() => pipeline.log.backlog()[2]!.count === 0);
  const drainS = (performance.now() - start) / 1000;
  await uplink.stop();
  await sub.close();
  db.close();
  return { name: 'campus-edge uplink', records: n, fillS, drainS, perS: n / drainS };
}

async function floor(url: string, dir: string, n: number): Promise<DrainResult> {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE outbox (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0)');
  const insert = db.prepare('INSERT INTO outbox (seq, body) VALUES (?, ?)');
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(i + 1, JSON.stringify({ id: String(i), seq: i + 1, data: reading(i) }));
  })();
  const fillS = (performance.now() - t0) / 1000;
  const next = db.prepare('SELECT seq, body FROM outbox WHERE delivered = 0 AND seq > ? ORDER BY seq LIMIT ?');
  const mark = db.prepare('UPDATE outbox SET delivered = 1 WHERE seq = ?');
  const sub = await subscriber(url, 'floor/telemetry', n);
  const client = await mqtt.connectAsync(url, { clientId: 'bench-floor-drain', clean: true });
  const start = performance.now();
  let cursor = 0;
  let inflight = 0;
  let acked: number[] = [];
  let delivered = 0;
  const markAcked = db.transaction(() => {
    for (const s of acked) mark.run(s);
    delivered += acked.length;
    acked = [];
  });
  const markTimer = setInterval(() => markAcked(), 20);
  // Keep the window full: refill once half of it is acknowledged.
  const pump = () => {
    const rows = next.all(cursor, WINDOW - inflight) as { seq: number; body: string }[];
    for (const r of rows) {
      cursor = r.seq;
      inflight++;
      client.publish('floor/telemetry', r.body, { qos: 1 }, () => {
        inflight--;
        acked.push(r.seq);
        if (inflight === WINDOW / 2) setImmediate(pump);
      });
    }
  };
  pump();
  await sub.finished;
  await until(() => {
    markAcked();
    return delivered === n;
  });
  const drainS = (performance.now() - start) / 1000;
  clearInterval(markTimer);
  await client.endAsync();
  await sub.close();
  db.close();
  return { name: 'floor (better-sqlite3 + mqtt.js)', records: n, fillS, drainS, perS: n / drainS };
}

export async function backlogDrain(n: number): Promise<DrainResult[]> {
  const t = tempDir('drain');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  try {
    return [await floor(broker.url, t.dir, n), await campusEdge(broker.url, t.dir, n)];
  } finally {
    await broker.stop();
    t.remove();
  }
}
