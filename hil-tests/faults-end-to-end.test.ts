/**
 * Faults, each counted end to end: what the devices produced, what the controller committed,
 * what reached the NOC, duplicates and gaps. The controller runs as its own process, and after
 * every fault it must still be the same process, serving /api/health.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { loadSite } from '../controller/config/load-site.ts';
import { Lane } from '../controller/core/types.ts';
import { databaseFile } from '../controller/runtime.ts';
import { ControllerProcess, type ProcessOptions } from './lib/controller-process.ts';
import { committedRecords, compareDelivery, type DeliveryReport } from './lib/delivery-check.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { EnvSensorSim } from './sim/env-sensor-sim.ts';
import { RtuSlaveSim } from './sim/modbus-transports.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

const OUTAGE_S = Number(process.env.FAULT_OUTAGE_S ?? 180);
const t = tempDir('faults');
const broker = new Mosquitto(join(t.dir, 'broker'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(() => broker.start());
after(async () => {
  await broker.stop();
  t.remove();
});

/** A controller process with a NOC listening, for one fault. */
async function rig(tc: TestContext, name: string, parts: Record<string, unknown>, opts: ProcessOptions = {}) {
  const siteFile = await writeSite(join(t.dir, name), {
    uplink: { url: broker.url, reconnect_s: 0.3, keepalive_s: 5 },
    ...parts,
  });
  const site = loadSite(siteFile);
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect(`noc-${name}`);
  const proc = new ControllerProcess(siteFile, site.config.console.port, opts);
  tc.after(async () => {
    await proc.kill('SIGTERM');
    await noc.close();
  });
  await proc.start();
  const pid = proc.pid;
  const committed = () => committedRecords(databaseFile(site));
  return {
    site,
    noc,
    proc,
    committed,
    /** Waits for everything committed to reach the NOC; asserts the controller never stopped. */
    async settle(label: string, timeoutMs = 60_000): Promise<DeliveryReport> {
      // Records keep coming while this waits: the report is of the store as it was when all of it had arrived.
      const report = await waitFor(
        `${label}: every committed record at the NOC`,
        () => {
          const r = compareDelivery(committed(), noc.envelopes());
          return r.missing.length === 0 && r;
        },
        timeoutMs,
        250,
      ).catch((err: Error) => {
        const missing = compareDelivery(committed(), noc.envelopes()).missing;
        throw new Error(`${err.message}; ${missing.length} missing, first ${missing.slice(0, 5).join(', ')}`);
      });
      const health = await fetch(`http://127.0.0.1:${site.config.console.port}/api/health`);
      assert.ok(
        proc.alive && proc.pid === pid && health.ok,
        `${label}: the controller is the same process and healthy`,
      );
      assert.equal(report.delivered, report.committed);
      return report;
    },
  };
}

const counts = (r: DeliveryReport) =>
  `${r.committed} committed, ${r.delivered} delivered, ${r.duplicates} duplicates, ${r.gaps} gaps`;
const ofType = (noc: NocSubscriber, type: string) => noc.envelopes().filter((e) => e.type === type);
const alarmsOf = (noc: NocSubscriber, type: 'alarm.raised' | 'alarm.cleared', key: RegExp) =>
  ofType(noc, type).filter((e) => key.test((e.data.alarm as { key: string }).key));

test(`a broker outage of ${OUTAGE_S} s under load builds a backlog that drains in full`, async (tc) => {
  const gw = await startCo2Gateway(16);
  tc.after(async () => {
    await gw.sim.close();
    await broker.start();
  });
  const r = await rig(tc, 'outage', { buses: [gw.bus], devices: gw.devices(0.05) });
  await waitFor('flow to the NOC', () => r.noc.envelopes('/telemetry').length > 100);
  await broker.stop();
  const before = r.committed().length;
  await sleep(OUTAGE_S * 1000);
  const backlog = r.committed().length - before;
  const rssMb = r.proc.rssMb();
  const back = performance.now();
  await broker.start();
  const report = await r.settle('after the outage', 300_000);
  const drainS = (performance.now() - back) / 1000;
  const polls = gw.sensors.reduce((n, s) => n + s.unit.requests, 0);
  console.log(
    `# broker outage: ${OUTAGE_S} s down, ${backlog} records built up (RSS ${rssMb.toFixed(0)} MB at the end of it); ` +
      `drained in ${drainS.toFixed(1)} s (${Math.round(backlog / drainS)} records/s while new ones kept coming); ${polls} polls answered; ${counts(report)}`,
  );
  assert.ok(backlog > OUTAGE_S * 200, 'a large backlog');
  assert.equal(report.gaps, 0);
});

test('the disk budget reached offline: telemetry is evicted on the record, every alarm is kept and delivered', async (tc) => {
  const gw = await startCo2Gateway(16);
  tc.after(async () => {
    await gw.sim.close();
    await broker.start();
  });
  const r = await rig(tc, 'budget', { storage: { disk_budget_mb: 2 }, buses: [gw.bus], devices: gw.devices(0.05) });
  await waitFor('flow to the NOC', () => r.noc.envelopes('/telemetry').length > 100);
  await broker.stop();
  // Room alarms raised and cleared every second on one sensor, while the others flood telemetry.
  const alarmSensor = gw.sensors[0]!;
  let toggles = 0;
  const toggle = setInterval(() => {
    alarmSensor.set('co2', toggles++ % 2 ? 500 : 1600);
  }, 1000);
  // Evicted records are the holes between the first sequence number and the last.
  await waitFor('telemetry evicted', () => compareDelivery(r.committed(), []).gaps > 5000, 120_000, 1000);
  clearInterval(toggle);
  alarmSensor.set('co2', 500);
  await sleep(3000);
  await broker.start();
  const report = await r.settle('after the broker returns', 120_000);
  const stored = r.committed();
  const evictions = ofType(r.noc, 'storage.telemetry-evicted').map(
    (e) => e.data as { count: number; firstSeq: number; lastSeq: number },
  );
  const evicted = evictions.reduce((n, e) => n + e.count, 0);
  // A hole in the sequence is telemetry the NOC already had, or inside an eviction the NOC was told of: nothing vanishes unannounced.
  const kept = new Set(stored.map((s) => s.seq));
  const atNoc = new Set(r.noc.envelopes().map((e) => e.seq));
  const holes = Array.from({ length: stored.at(-1)!.seq }, (_, i) => i + 1).filter((seq) => !kept.has(seq));
  const notAtNoc = holes.filter((seq) => !atNoc.has(seq));
  const announced = (seq: number) => evictions.some((e) => seq >= e.firstSeq && seq <= e.lastSeq);
  const urgent = stored.filter((s) => s.lane === Lane.urgent);
  console.log(
    `# disk budget 2 MB, broker down: ${stored.at(-1)!.seq} records committed; ${holes.length} telemetry records evicted, ` +
      `${evicted} of them undelivered and announced in ${evictions.length} storage.telemetry-evicted events, ${holes.length - notAtNoc.length} delivered before; ` +
      `${urgent.length} alarm records kept from ${toggles} threshold crossings; then ${counts(report)}`,
  );
  assert.ok(evicted > 3000);
  assert.ok(
    notAtNoc.length <= evicted && notAtNoc.every(announced),
    'every record the NOC lacks was announced as evicted',
  );
  assert.ok(urgent.length >= toggles - 2, 'the alarm records of every threshold crossing are kept');
  assert.ok(
    urgent.every((s) => atNoc.has(s.seq)),
    'and delivered',
  );
});

test('an RS-485 adapter unplugged and replugged: sensors go offline and come back; every reading is counted', async (tc) => {
  const pty = new PtyPair(t.dir, 'unplug');
  const profiles = ['renke-th', 'renke-co2'];
  const sensors = profiles.map((p) => EnvSensorSim.fromProfile(p, { humidity: 50, temperature: 20 }));
  const rtu = new RtuSlaveSim(pty.deviceEnd, new Map(sensors.map((s, i) => [i + 1, s.unit])), 9600);
  tc.after(async () => {
    await rtu.close();
    await pty.unplug();
  });
  await pty.plug();
  await rtu.open();
  const r = await rig(tc, 'unplug', {
    buses: [{ id: 'rs485-1', type: 'modbus-rtu', port: pty.controllerEnd, baud_rate: 9600, timeout_ms: 150 }],
    devices: sensors.map((_, i) => ({
      id: `s${i + 1}`,
      bus: 'rs485-1',
      address: i + 1,
      profile: profiles[i],
      room: 'r1',
      poll_interval_s: 0.1,
    })),
  });
  const readings = () => r.noc.envelopes('/telemetry').length;
  await waitFor('readings', () => readings() > 20);
  await rtu.close();
  await pty.unplug();
  await waitFor(
    'offline alarms for both sensors',
    () => alarmsOf(r.noc, 'alarm.raised', /^device\.offline/).length >= 2,
    20_000,
  );
  const duringUnplug = readings();
  await sleep(2000);
  assert.equal(readings(), duringUnplug, 'nothing is made up while unplugged');
  await pty.plug();
  await rtu.open();
  await waitFor(
    'both offline alarms cleared',
    () => alarmsOf(r.noc, 'alarm.cleared', /^device\.offline/).length >= 2,
    30_000,
  );
  await waitFor('readings again', () => readings() > duringUnplug + 20);
  const report = await r.settle('after the replug');
  const answered = sensors.reduce((n, s) => n + s.unit.requests, 0);
  console.log(
    `# serial unplug and replug: ${answered} polls answered by the sensors, ${readings()} readings at the NOC; ${counts(report)}`,
  );
  // Only an answer on the wire at the moment of the unplug may go unread.
  assert.ok(readings() <= answered && answered - readings() <= 2, 'every answered poll became a reading');
  assert.equal(report.gaps, 0);
});

test('a camera that reboots: its subscription comes back and every event it sent while up is delivered once', async (tc) => {
  const cam = new OnvifCameraSim('admin', 'reboot-pass', 'SIM-REBOOT');
  tc.after(() => cam.stop());
  await cam.start();
  writeFileSync(join(t.dir, 'cam.pw'), 'reboot-pass\n', { mode: 0o600 });
  const ALL_WEEK = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];
  const r = await rig(tc, 'camera', {
    video: {
      cameras: [
        {
          id: 'cam-1',
          host: '127.0.0.1',
          port: cam.port,
          username: 'admin',
          password_file: '../cam.pw',
          pull_timeout_s: 1,
          subscription_s: 10,
          arming: { motion: { armed: ALL_WEEK } },
        },
      ],
    },
  });
  const motion = (on: boolean) =>
    cam.emit('RuleEngine/CellMotionDetector/Motion', { IsMotion: String(on) }, { Rule: 'Motion' });
  const raised = () => alarmsOf(r.noc, 'alarm.raised', /^camera\.motion/).length;
  let sent = 0;
  const pulse = async () => {
    motion(true);
    sent++;
    await waitFor('the motion alarm', () => raised() === sent, 15_000);
    motion(false);
    await sleep(300);
  };
  await waitFor('the subscription', () => cam.activeSubscriptions === 1, 15_000);
  for (let i = 0; i < 5; i++) await pulse();
  const created = cam.stats.created;
  await cam.reboot(4000);
  await waitFor(
    'resubscribed after the reboot',
    () => cam.stats.created > created && cam.activeSubscriptions === 1,
    30_000,
    100,
  );
  for (let i = 0; i < 5; i++) await pulse();
  const report = await r.settle('after the reboot');
  console.log(
    `# camera reboot (4 s down): ${sent} motion events sent while the camera was up, ${raised()} motion alarms at the NOC, ` +
      `${cam.stats.created} subscriptions created, ${cam.activeSubscriptions} left active; ${counts(report)}`,
  );
  assert.equal(raised(), sent);
  assert.equal(report.gaps, 0);
});

test('the wall clock jumping two days ahead then an hour behind: records keep their order and all arrive', async (tc) => {
  const clockFile = join(t.dir, 'faketime');
  writeFileSync(clockFile, '+0\n');
  const gw = await startCo2Gateway(4);
  tc.after(() => gw.sim.close());
  const r = await rig(
    tc,
    'clock',
    { buses: [gw.bus], devices: gw.devices(0.1) },
    {
      env: {
        // libfaketime steps the wall clock the process sees, as NTP or an operator would; monotonic time runs on.
        LD_PRELOAD: `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketimeMT.so.1`,
        FAKETIME_TIMESTAMP_FILE: clockFile,
        FAKETIME_NO_CACHE: '1',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    },
  );
  await sleep(3000);
  writeFileSync(clockFile, '+2d\n');
  await waitFor('the forward jump recorded', () => ofType(r.noc, 'clock.jumped').length === 1, 15_000);
  await sleep(3000);
  writeFileSync(clockFile, '-1h\n');
  await waitFor('the backward jump recorded', () => ofType(r.noc, 'clock.jumped').length === 2, 15_000);
  await sleep(3000);
  const report = await r.settle('after the jumps');
  const jumps = ofType(r.noc, 'clock.jumped').map((e) => Math.round(Number(e.data.jumpMs) / 3_600_000));
  const tel = r.noc.envelopes('/telemetry');
  const stamps = tel.map((e) => Date.parse(e.ts));
  const ahead = stamps.filter((s) => s > Date.now() + 86_400_000).length;
  const behind = stamps.filter((s) => s < Date.now() - 1_800_000).length;
  console.log(
    `# clock jumps of ${jumps.join(' h and ')} h recorded as clock.jumped; ${tel.length} readings (${ahead} stamped two days ahead, ${behind} an hour behind); ` +
      `${report.outOfOrder} out of sequence; ${counts(report)}`,
  );
  assert.deepEqual(jumps, [48, -49]);
  assert.ok(ahead > 0 && behind > 0, 'readings were taken on both sides of each jump');
  assert.equal(report.gaps, 0);
  assert.equal(report.outOfOrder, 0);
});
