/**
 * RSS of the controller for a large school, every device simulated: 32 ONVIF
 * cameras (pull-point subscriptions), 16 OSDP readers on 4 RS-485 lines (pty
 * pairs), 8 turnstiles and 64 environmental sensors on Modbus TCP gateways.
 * Idle: everything connected and polled, nothing happening. Loaded: cards
 * presented at every reader, camera events, and 5000 cardholders synced.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSite } from '../controller/config/load-site.ts';
import { ControllerProcess, type ProcessOptions } from '../hil-tests/lib/controller-process.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { NocSubscriber } from '../hil-tests/lib/noc-subscriber.ts';
import { waitFor } from '../hil-tests/lib/ports.ts';
import { PtyPair } from '../hil-tests/lib/pty-pair.ts';
import { tempDir, topicRoot, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { EnvSensorSim } from '../hil-tests/sim/env-sensor-sim.ts';
import { TcpSlaveSim } from '../hil-tests/sim/modbus-transports.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { OnvifCameraSim } from '../hil-tests/sim/onvif-camera-sim.ts';
import { OsdpBusSim, OsdpReaderSim } from '../hil-tests/sim/osdp-pd-sim.ts';
import { TurnstileSim } from '../hil-tests/sim/turnstile-sim.ts';

export const LARGE_SCHOOL = { cameras: 32, readers: 16, gates: 8, sensors: 64 };
const SENSORS_PER_GATEWAY = 16;
const READERS_PER_LINE = 4;

async function startSims(dir: string) {
  const cameras = Array.from(
    { length: LARGE_SCHOOL.cameras },
    (_, i) => new OnvifCameraSim('admin', 'cam-pass', `SIM-${i}`),
  );
  for (const c of cameras) await c.start();
  const sensors = Array.from({ length: LARGE_SCHOOL.sensors }, (_, i) =>
    i % 2
      ? EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 21, co2: 650 })
      : EnvSensorSim.fromProfile('renke-th', { humidity: 45, temperature: 21 }),
  );
  const gateways = await Promise.all(
    Array.from({ length: LARGE_SCHOOL.sensors / SENSORS_PER_GATEWAY }, async (_, g) => {
      const sim = new TcpSlaveSim(
        new Map<number, ModbusUnit>(
          sensors.slice(g * SENSORS_PER_GATEWAY, (g + 1) * SENSORS_PER_GATEWAY).map((s, i) => [i + 1, s.unit]),
        ),
      );
      return { sim, port: await sim.listen(0) };
    }),
  );
  const turnstiles = Array.from({ length: LARGE_SCHOOL.gates }, () => new TurnstileSim());
  const gateBus = new TcpSlaveSim(new Map<number, ModbusUnit>(turnstiles.map((t, i) => [i + 1, t.unit])));
  const gatePort = await gateBus.listen(0);
  const lines = await Promise.all(
    Array.from({ length: LARGE_SCHOOL.readers / READERS_PER_LINE }, async (_, l) => {
      const pty = new PtyPair(dir, `osdp-${l}`);
      await pty.plug();
      const readers = Array.from({ length: READERS_PER_LINE }, (_, a) => new OsdpReaderSim(a));
      const bus = new OsdpBusSim(pty.deviceEnd, readers);
      await bus.open();
      return { pty, bus, readers };
    }),
  );
  return {
    cameras,
    sensors,
    gateways,
    turnstiles,
    gatePort,
    lines,
    async stop() {
      for (const c of cameras) await c.stop();
      for (const g of gateways) await g.sim.close();
      await gateBus.close();
      for (const l of lines) {
        await l.bus.close();
        await l.pty.unplug();
      }
    },
  };
}

type Sims = Awaited<ReturnType<typeof startSims>>;

function site(s: Sims, brokerUrl: string) {
  return {
    uplink: { url: brokerUrl },
    buses: [
      ...s.gateways.map((g, i) => ({ id: `env-gw-${i}`, type: 'modbus-tcp', host: '127.0.0.1', port: g.port })),
      { id: 'gate-bus', type: 'modbus-tcp', host: '127.0.0.1', port: s.gatePort },
      ...s.lines.map((l, i) => ({ id: `osdp-${i}`, type: 'osdp', port: l.pty.controllerEnd })),
    ],
    devices: s.sensors.map((_, i) => ({
      id: `env-${i + 1}`,
      bus: `env-gw-${Math.floor(i / SENSORS_PER_GATEWAY)}`,
      address: (i % SENSORS_PER_GATEWAY) + 1,
      profile: i % 2 ? 'renke-co2' : 'renke-th',
      room: `r${i + 1}`,
      poll_interval_s: 10,
    })),
    access: {
      gates: s.turnstiles.map((_, i) => ({ id: `gate-${i + 1}`, bus: 'gate-bus', address: i + 1 })),
      readers: s.lines.flatMap((l, li) =>
        l.readers.map((r, a) => {
          const n = li * READERS_PER_LINE + a;
          return {
            id: `reader-${n + 1}`,
            type: 'osdp',
            bus: `osdp-${li}`,
            address: r.address,
            secure: false,
            gate: `gate-${Math.floor(n / 2) + 1}`,
            direction: n % 2 ? 'out' : 'in',
          };
        }),
      ),
    },
    video: {
      cameras: s.cameras.map((c, i) => ({
        id: `cam-${i + 1}`,
        host: '127.0.0.1',
        port: c.port,
        username: 'admin',
        password_file: 'cam.pw',
      })),
    },
  };
}

const cardholders = (n: number) => ({
  version: 1,
  full: true,
  groups: [{ id: 'students', name: '学生' }],
  schedules: [
    {
      id: 'always',
      name: '全天',
      onHolidays: true,
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    },
  ],
  rules: Array.from({ length: LARGE_SCHOOL.gates }, (_, g) => ({
    gateId: `gate-${g + 1}`,
    groupId: 'students',
    scheduleId: 'always',
  })),
  cardholders: Array.from({ length: n }, (_, i) => ({
    id: `stu-${i}`,
    name: `学生${i}`,
    kind: 'student',
    class: null,
    card: String((12 << 16) | i),
    groups: ['students'],
  })),
});

/** The median of one sample a second: RSS moves with every garbage collection. */
async function medianRss(proc: ControllerProcess, samples: number): Promise<number> {
  const rss: number[] = [];
  for (let i = 0; i < samples; i++) {
    rss.push(proc.rssMb());
    await new Promise((r) => setTimeout(r, 1000));
  }
  return rss.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
}

export interface RssResult {
  idleMb: number;
  loadedMb: number;
  cardsPresented: number;
  cameraEvents: number;
  recordsAtNoc: number;
  cardholders: number;
}

export async function largeSchoolRss(settleMs: number, loadMs: number, run: ProcessOptions = {}): Promise<RssResult> {
  const t = tempDir('large-school');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const sims = await startSims(t.dir);
  const dir = join(t.dir, 'site');
  const file = await writeSite(dir, site(sims, broker.url));
  writeFileSync(join(dir, 'cam.pw'), 'cam-pass\n', { mode: 0o600 });
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect();
  const env = { ...run.env, CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') };
  const proc = new ControllerProcess(file, loadSite(file).config.console.port, { ...run, startTimeoutMs: 60_000, env });
  // A binary unpacks its files on the first start of its build; every later start, which is what a
  // gateway runs as, finds them there. The figure is a later start's.
  if (run.command)
    execFileSync(run.command[0]!, [...run.command.slice(1), 'version'], { env: { ...process.env, ...env } });
  try {
    await proc.start();
    await waitFor('every camera subscribed', () => sims.cameras.every((c) => c.activeSubscriptions === 1), 60_000, 500);
    await new Promise((r) => setTimeout(r, settleMs));
    const idleMb = await medianRss(proc, 10);
    const holders = 5000;
    const sync = await noc.command(topicRoot, 'cardholders.sync', cardholders(holders), 60_000);
    if (!sync.ok) throw new Error(`cardholder sync: ${sync.error}`);
    let cards = 0;
    let events = 0;
    const readers = sims.lines.flatMap((l) => l.readers);
    const load = setInterval(() => {
      readers[cards % readers.length]!.present((12 << 16) | (cards % holders));
      cards++;
      sims.cameras[events % sims.cameras.length]!.emit(
        'RuleEngine/CellMotionDetector/Motion',
        { IsMotion: String(events % 2 === 0) },
        { Rule: 'Motion' },
      );
      events++;
    }, 100);
    await new Promise((r) => setTimeout(r, loadMs));
    const loadedMb = await medianRss(proc, 10);
    clearInterval(load);
    return {
      idleMb,
      loadedMb,
      cardsPresented: cards,
      cameraEvents: events,
      recordsAtNoc: noc.envelopes().length,
      cardholders: holders,
    };
  } finally {
    await proc.kill('SIGTERM');
    await noc.close();
    await sims.stop();
    await broker.stop();
    t.remove();
  }
}
