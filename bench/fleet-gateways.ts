/**
 * One process's share of a simulated fleet: K gateways, each with its own
 * identity (client id, login, topic tree), its own SQLite store, and
 * campus-edge's pipeline, alarm manager and uplink. Started by bench/fleet.ts
 * with its orders in argv; reports its counts over IPC.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlarmManager } from '../controller/core/alarms.ts';
import { createLogger } from '../controller/core/logger.ts';
import { Pipeline } from '../controller/core/pipeline.ts';
import { openDatabase } from '../controller/store/database.ts';
import { MqttUplink } from '../controller/uplink/mqtt-uplink.ts';

export type FleetReport =
  | { type: 'connected'; gateways: number }
  | { type: 'counts'; committed: number; delivered: number; alarms: number };

const [url, dir, district, first, count, telemetryPerS] = process.argv.slice(2);
const ids = Array.from({ length: Number(count) }, (_, i) => `gw-${String(Number(first) + i).padStart(3, '0')}`);
const log = createLogger('silent');
const send = (r: FleetReport) => process.send!(r);

const gateways = ids.map((id) => {
  const db = openDatabase(join(dir!, `${id}.db`));
  const pipeline = new Pipeline(db);
  const alarms = new AlarmManager(db, pipeline);
  const pw = join(dir!, `${id}.pw`);
  writeFileSync(pw, `pw-${id}\n`, { mode: 0o600 });
  const uplink = new MqttUplink(pipeline, log, {
    config: {
      url: url!,
      username: id,
      password_file: pw,
      protocol_version: 4,
      keepalive_s: 30,
      window: 256,
      reconnect_s: 1,
    },
    identity: { district: district!, school: `school-${id}`, gateway: id },
    resolvePath: (p) => p,
    birth: {},
    onMessage: () => {},
  });
  uplink.start();
  return { id, db, pipeline, alarms, uplink, raised: 0 };
});

// Telemetry at a steady rate from every gateway, a tenth of a second's worth at a time.
let due = 0;
const tick = setInterval(() => {
  due += Number(telemetryPerS) / 10;
  const now = Math.floor(due);
  due -= now;
  for (const g of gateways) {
    for (let i = 0; i < now; i++) {
      g.pipeline.emit({
        topic: 'telemetry',
        type: 'env.reading',
        source: `env-${i}`,
        data: { room: 'r1', model: 'bench', readings: [{ point: 'co2', value: 650, unit: 'ppm' }] },
      });
    }
  }
}, 100);

/** What the stores hold: every record committed, and how many of them the broker acknowledged. */
const counts = (): FleetReport =>
  gateways.reduce(
    (c, g) => {
      const r = g.db.prepare('SELECT count(*) AS n, coalesce(sum(delivered), 0) AS d FROM events').get() as {
        n: number;
        d: number;
      };
      c.committed += r.n;
      c.delivered += r.d;
      c.alarms += g.raised;
      return c;
    },
    { type: 'counts' as const, committed: 0, delivered: 0, alarms: 0 },
  );

process.on('message', (m: { cmd: 'alarm' | 'quiet' | 'counts' | 'stop' }) => {
  if (m.cmd === 'alarm') {
    // A fire alarm at every gateway at once: the worst case for the NOC.
    for (const g of gateways) {
      g.raised++;
      g.alarms.raise({
        key: `fire:${g.raised}`,
        type: 'fire.alarm',
        source: 'fire-panel',
        severity: 'critical',
        message: 'Fire alarm',
        data: { drill: true },
      });
    }
  } else if (m.cmd === 'quiet') {
    clearInterval(tick);
  } else if (m.cmd === 'counts') {
    send(counts());
  } else {
    void Promise.all(
      gateways.map(async (g) => {
        await g.uplink.stop();
        g.db.close();
      }),
    ).then(() => process.exit(0));
  }
});

const waitConnected = setInterval(() => {
  const n = gateways.filter((g) => g.uplink.status.connected).length;
  if (n === gateways.length) {
    clearInterval(waitConnected);
    send({ type: 'connected', gateways: n });
  }
}, 100);
