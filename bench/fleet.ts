/**
 * A district on one broker: N gateways against one Mosquitto on loopback,
 * each logging in as itself and confined by the broker's ACL to its own topic
 * tree, in a few processes (bench/fleet-gateways.ts). Every gateway sends
 * telemetry throughout; at intervals every gateway raises a fire alarm at the
 * same moment. The NOC is a consumer group of two clients on one shared
 * subscription, as a district scales its consumers. Measured at the NOC:
 * alarm latency (raised at the gateway to received), and delivery totals.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { waitFor } from '../hil-tests/lib/ports.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import type { FleetReport } from './fleet-gateways.ts';
import { cpuSeconds, summary } from './stats.ts';

const worker = fileURLToPath(new URL('./fleet-gateways.ts', import.meta.url));
const DISTRICT = 'district-1';

export interface FleetResult {
  gateways: number;
  processes: number;
  connectS: number;
  seconds: number;
  alarms: { raised: number; received: number; p50Ms: number; p99Ms: number; maxMs: number };
  records: { committed: number; delivered: number; atNoc: number; duplicates: number; perS: number };
  consumers: number[];
  brokerCpuPercent: number;
  refusedForeignPublish: boolean;
}

export async function fleet(
  n: number,
  perProcess: number,
  seconds: number,
  alarmEveryS: number,
  telemetryPerS: number,
): Promise<FleetResult> {
  const t = tempDir('fleet');
  const ids = Array.from({ length: n }, (_, i) => `gw-${String(i).padStart(3, '0')}`);
  const broker = new Mosquitto(join(t.dir, 'broker'), {
    users: { ...Object.fromEntries(ids.map((id) => [id, `pw-${id}`])), noc: 'noc-pass' },
    // A gateway may write only under its own name; the NOC reads everything and commands everyone.
    acl: [
      'user noc',
      'topic read campus/#',
      'topic write campus/+/+/+/cmd/#',
      `pattern readwrite campus/${DISTRICT}/+/%u/#`,
    ],
  });
  await broker.start();
  const procs: ChildProcess[] = [];
  const consumers: mqtt.MqttClient[] = [];
  try {
    const latencies: number[] = [];
    const seen = new Map<string, number>();
    const perConsumer: number[] = [];
    for (let c = 0; c < 2; c++) {
      const client = await mqtt.connectAsync(broker.url, {
        clientId: `noc-${c}`,
        username: 'noc',
        password: 'noc-pass',
        protocolVersion: 5,
        clean: true,
      });
      perConsumer.push(0);
      client.on('message', (topic, buf) => {
        const env = JSON.parse(buf.toString()) as { id?: string; ts: string; type: string };
        if (!env.id) return; // the retained state, not a record
        perConsumer[c]!++;
        seen.set(env.id, (seen.get(env.id) ?? 0) + 1);
        if (topic.endsWith('/alarms') && env.type === 'alarm.raised') latencies.push(Date.now() - Date.parse(env.ts));
      });
      await client.subscribeAsync(`$share/noc/campus/${DISTRICT}/#`, { qos: 1 });
      consumers.push(client);
    }

    const reports = new Map<ChildProcess, FleetReport>();
    const started = performance.now();
    for (let first = 0; first < n; first += perProcess) {
      const p = fork(
        worker,
        [broker.url, t.dir, DISTRICT, String(first), String(Math.min(perProcess, n - first)), String(telemetryPerS)],
        { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      );
      p.on('message', (m: FleetReport) => reports.set(p, m));
      procs.push(p);
    }
    await waitFor(
      'every gateway connected',
      () => procs.every((p) => reports.get(p)?.type === 'connected'),
      120_000,
      100,
    );
    const connectS = (performance.now() - started) / 1000;

    // A gateway cannot write into another's tree: the broker drops it (MQTT 3.1.1 has no way to say so).
    const intruder = await mqtt.connectAsync(broker.url, {
      clientId: 'gw-000-x',
      username: 'gw-000',
      password: 'pw-gw-000',
    });
    await intruder.publishAsync(
      `campus/${DISTRICT}/school-gw-001/gw-001/alarms`,
      JSON.stringify({ id: 'forged', ts: new Date().toISOString(), type: 'alarm.raised' }),
      { qos: 1 },
    );
    await intruder.endAsync();

    const cpu0 = cpuSeconds(broker.pid!);
    const runStart = performance.now();
    const alarm = setInterval(() => {
      for (const p of procs) p.send({ cmd: 'alarm' });
    }, alarmEveryS * 1000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(alarm);
    const counts = async () => {
      for (const p of procs) {
        reports.delete(p);
        p.send({ cmd: 'counts' });
      }
      await waitFor('counts from every process', () => procs.every((p) => reports.get(p)?.type === 'counts'), 10_000);
      return procs
        .map((p) => reports.get(p) as Extract<FleetReport, { type: 'counts' }>)
        .reduce(
          (a, c) => ({
            committed: a.committed + c.committed,
            delivered: a.delivered + c.delivered,
            alarms: a.alarms + c.alarms,
          }),
          { committed: 0, delivered: 0, alarms: 0 },
        );
    };
    // Stop producing, then wait for every store to be drained and the NOC to have every record.
    for (const p of procs) p.send({ cmd: 'quiet' });
    let totals = await counts();
    while (totals.delivered < totals.committed || seen.size < totals.committed) {
      await new Promise((r) => setTimeout(r, 500));
      totals = await counts();
      if ((performance.now() - runStart) / 1000 > seconds + 120) break;
    }
    const elapsed = (performance.now() - runStart) / 1000;
    const brokerCpuPercent = ((cpuSeconds(broker.pid!) - cpu0) / elapsed) * 100;
    const duplicates = [...seen.values()].reduce((d, k) => d + k - 1, 0);
    const s = summary(latencies);
    return {
      gateways: n,
      processes: procs.length,
      connectS,
      seconds,
      alarms: { raised: totals.alarms, received: latencies.length, p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max },
      records: {
        committed: totals.committed,
        delivered: totals.delivered,
        atNoc: seen.size,
        duplicates,
        perS: seen.size / elapsed,
      },
      consumers: perConsumer,
      brokerCpuPercent,
      refusedForeignPublish: !seen.has('forged'),
    };
  } finally {
    for (const p of procs) p.send({ cmd: 'stop' });
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    for (const c of consumers) await c.endAsync(true);
    await broker.stop();
    t.remove();
  }
}
