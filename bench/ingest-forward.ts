/**
 * Ingest and forward: N records committed to SQLite and published at QoS1 to
 * a real Mosquitto, measured at a subscriber. campus-edge's pipeline and
 * uplink against the floor: a bare better-sqlite3 insert plus mqtt.js publish
 * loop that marks rows delivered on PUBACK, with no lanes, alarms or API.
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../controller/core/logger.ts';
import { Pipeline } from '../controller/core/pipeline.ts';
import { openDatabase } from '../controller/store/database.ts';
import { MqttUplink } from '../controller/uplink/mqtt-uplink.ts';
import { loadPersonalKey, personalCipher, plainCipher } from '../controller/store/personal-cipher.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { NodeRed } from './node-red-peer.ts';
import { summary } from './stats.ts';

export interface RunResult {
  name: string;
  events: number;
  ingestPerS: number;
  forwardPerS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const CHUNK = 500;
const payload = (i: number) => ({
  room: '101',
  model: 'bench',
  readings: [{ point: 'co2', value: 600 + (i % 400), unit: 'ppm' }],
});

/** `now` is the clock the producer stamped t0 with: performance.now in this process, Date.now across processes. */
export async function subscriber(url: string, topic: string, n: number, now: () => number = () => performance.now()) {
  const client = await mqtt.connectAsync(url, { clientId: `bench-sub-${Math.random()}`, clean: true });
  const latencies: number[] = [];
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  client.on('message', (_t, buf) => {
    const env = JSON.parse(buf.toString()) as { data: { t0?: number } };
    received++;
    if (env.data.t0 !== undefined) latencies.push(now() - env.data.t0);
    if (received === n) done();
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { latencies, finished, close: () => client.endAsync() };
}

/**
 * Feeds records in chunks, yielding between them, the way drivers produce:
 * as fast as possible for throughput, or paced at `ratePerS` for latency.
 */
async function produce(n: number, ingest: (i: number) => void, ratePerS?: number): Promise<number> {
  const t0 = performance.now();
  const chunk = ratePerS ? Math.max(1, Math.round(ratePerS / 100)) : CHUNK;
  for (let i = 0; i < n; i += chunk) {
    for (let j = i; j < Math.min(n, i + chunk); j++) ingest(j);
    if (ratePerS) {
      const due = t0 + ((i + chunk) / ratePerS) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
  return performance.now() - t0;
}

/** What campus-edge forwards: telemetry, or pupils' access records, sealed at rest or not. */
export interface Records {
  name: string;
  topic: 'telemetry' | 'events/access';
  sealed: boolean;
}
const TELEMETRY: Records = { name: 'campus-edge', topic: 'telemetry', sealed: false };

export async function campusEdge(
  url: string,
  dir: string,
  n: number,
  ratePerS?: number,
  records: Records = TELEMETRY,
): Promise<RunResult> {
  const db = openDatabase(
    join(dir, `ce-${records.topic.replace('/', '-')}-${records.sealed}-${ratePerS ?? 'flood'}.db`),
  );
  const cipher = records.sealed
    ? personalCipher('aes-256-gcm', loadPersonalKey(join(dir, 'personal.key')))
    : plainCipher;
  const pipeline = new Pipeline(db, Date.now, cipher);
  const uplink = new MqttUplink(pipeline, createLogger('silent'), {
    config: { url, protocol_version: 4, keepalive_s: 30, window: 256, reconnect_s: 1 },
    identity: { district: 'b', school: 'b', gateway: 'ce' },
    resolvePath: (p) => p,
    birth: {},
    onMessage: () => {},
  });
  const sub = await subscriber(url, `campus/b/b/ce/${records.topic}`, n);
  uplink.start();
  await new Promise((r) => setTimeout(r, 300));
  const start = performance.now();
  let committed = 0;
  const ingestMs = await produce(
    n,
    (i) => {
      const data =
        records.topic === 'telemetry'
          ? payload(i)
          : { gate: 'south', direction: 'in', cardholderId: `stu-${i % 5000}`, card: null, reason: 'granted' };
      void pipeline
        .ingest({
          topic: records.topic,
          type: records.topic === 'telemetry' ? 'env.reading' : 'access.granted',
          source: 'bench',
          data: { ...data, t0: performance.now() },
        })
        .then(() => {
          committed++;
        });
    },
    ratePerS,
  );
  while (committed < n) await new Promise((r) => setImmediate(r));
  const commitMs = Math.max(ingestMs, performance.now() - start);
  await sub.finished;
  const totalMs = performance.now() - start;
  await uplink.stop();
  await sub.close();
  db.close();
  const lat = summary(sub.latencies);
  return {
    name: records.name,
    events: n,
    ingestPerS: n / (commitMs / 1000),
    forwardPerS: n / (totalMs / 1000),
    latencyP50Ms: lat.p50,
    latencyP99Ms: lat.p99,
  };
}

export async function floor(url: string, dir: string, n: number, ratePerS?: number): Promise<RunResult> {
  const db = new Database(join(dir, `floor-${ratePerS ?? 'flood'}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE outbox (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0)');
  const insert = db.prepare('INSERT INTO outbox (seq, body) VALUES (?, ?)');
  const mark = db.prepare('UPDATE outbox SET delivered = 1 WHERE seq = ?');
  const client = await mqtt.connectAsync(url, { clientId: `bench-floor-${ratePerS}`, clean: true });
  const sub = await subscriber(url, 'floor/telemetry', n);
  const start = performance.now();
  let pending: [number, string][] = [];
  let committed = 0;
  let acked: number[] = [];
  let ackedTotal = 0;
  let markTimer: NodeJS.Timeout | null = null;
  const markAcked = () => {
    markTimer = null;
    const seqs = acked;
    acked = [];
    db.transaction(() => {
      for (const s of seqs) mark.run(s);
    })();
  };
  // Same shape of work: one transaction per tick, publish after commit, mark on PUBACK.
  const flush = () => {
    const batch = pending;
    pending = [];
    db.transaction(() => {
      for (const [seq, body] of batch) insert.run(seq, body);
    })();
    committed += batch.length;
    for (const [seq, body] of batch) {
      client.publish('floor/telemetry', body, { qos: 1 }, (err) => {
        if (err) return;
        markTimer ??= setTimeout(markAcked, 20);
        acked.push(seq);
        ackedTotal++;
      });
    }
  };
  const ingestMs = await produce(
    n,
    (i) => {
      pending.push([
        i + 1,
        JSON.stringify({ id: String(i), seq: i + 1, data: { ...payload(i), t0: performance.now() } }),
      ]);
      if (pending.length === 1) setImmediate(flush);
    },
    ratePerS,
  );
  while (committed < n) await new Promise((r) => setImmediate(r));
  const commitMs = Math.max(ingestMs, performance.now() - start);
  await sub.finished;
  const totalMs = performance.now() - start;
  while (ackedTotal < n) await new Promise((r) => setTimeout(r, 5));
  if (markTimer) clearTimeout(markTimer);
  markAcked();
  await client.endAsync();
  await sub.close();
  db.close();
  const lat = summary(sub.latencies);
  return {
    name: 'floor (better-sqlite3 + mqtt.js)',
    events: n,
    ingestPerS: n / (commitMs / 1000),
    forwardPerS: n / (totalMs / 1000),
    latencyP50Ms: lat.p50,
    latencyP99Ms: lat.p99,
  };
}

/** Node-RED's generator: the same records in the same chunks, each sent on to an mqtt out node at QoS1. */
const nodeRedGenerator = `
const { n, rate } = msg.payload;
const chunk = rate ? Math.max(1, Math.round(rate / 100)) : ${CHUNK};
const start = Date.now();
let i = 0;
const step = () => {
  for (const end = Math.min(n, i + chunk); i < end; i++) {
    node.send({ topic: 'nodered/telemetry', payload: JSON.stringify({ id: String(i), seq: i + 1,
      data: { room: '101', model: 'bench', readings: [{ point: 'co2', value: 600 + (i % 400), unit: 'ppm' }], t0: Date.now() } }) });
  }
  if (i < n) setTimeout(step, rate ? Math.max(0, start + (i / rate) * 1000 - Date.now()) : 0);
};
step();
return null;`;

/**
 * The same job as a Node-RED flow: inject -> function -> mqtt out (QoS1). Node-RED keeps
 * messages in memory only, so there is no commit to time: its ingest figure is left blank.
 */
export async function nodeRedFlow(url: string, dir: string, n: number, ratePerS?: number): Promise<RunResult> {
  const port = Number(new URL(url).port);
  const red = new NodeRed(join(dir, `node-red-${ratePerS ?? 'flood'}`));
  await red.start([
    { id: 'tab', type: 'tab', label: 'ingest and forward' },
    {
      id: 'broker',
      type: 'mqtt-broker',
      broker: '127.0.0.1',
      port: String(port),
      clientid: `nodered-${ratePerS ?? 'flood'}`,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '30',
      cleansession: true,
    },
    {
      id: 'go',
      type: 'inject',
      z: 'tab',
      props: [{ p: 'payload' }],
      payload: '{}',
      payloadType: 'json',
      repeat: '',
      once: false,
      wires: [['gen']],
    },
    { id: 'gen', type: 'function', z: 'tab', func: nodeRedGenerator, outputs: 1, wires: [['out']] },
    { id: 'out', type: 'mqtt out', z: 'tab', topic: '', qos: '1', retain: 'false', broker: 'broker', wires: [] },
  ]);
  try {
    const sub = await subscriber(url, 'nodered/telemetry', n, Date.now);
    await new Promise((r) => setTimeout(r, 1000));
    const start = performance.now();
    await red.inject('go', { n, rate: ratePerS ?? 0 });
    await sub.finished;
    const totalMs = performance.now() - start;
    await sub.close();
    const lat = summary(sub.latencies);
    return {
      name: 'Node-RED 4 flow (inject, function, mqtt out)',
      events: n,
      ingestPerS: NaN,
      forwardPerS: n / (totalMs / 1000),
      latencyP50Ms: lat.p50,
      latencyP99Ms: lat.p99,
    };
  } finally {
    await red.stop();
  }
}

/** Throughput from a flood of n records; latency from a paced run at `rate` records/s. */
export async function ingestForward(n: number, rate: number, pacedN: number) {
  const t = tempDir('bench');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  try {
    const out: { throughput: RunResult; paced: RunResult }[] = [];
    for (const system of [floor, nodeRedFlow, campusEdge]) {
      out.push({
        throughput: await system(broker.url, t.dir, n),
        paced: await system(broker.url, t.dir, pacedN, rate),
      });
    }
    // Pupils' access records, which are sealed at rest, beside the same with sealing off.
    for (const sealed of [false, true]) {
      const records: Records = {
        name: `campus-edge, access records, ${sealed ? 'sealed (AES-256-GCM)' : 'not sealed'}`,
        topic: 'events/access',
        sealed,
      };
      out.push({
        throughput: await campusEdge(broker.url, t.dir, n, undefined, records),
        paced: await campusEdge(broker.url, t.dir, pacedN, rate, records),
      });
    }
    return out;
  } finally {
    await broker.stop();
    t.remove();
  }
}
