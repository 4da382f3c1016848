/**
 * Environmental sensors end to end: Modbus RTU over a real pty pair (socat)
 * and Modbus TCP, with faults injected on the simulators. Set CAMPUS_EDGE_RIG
 * to a site file to run the reading scenario against real sensors instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Reading, StoredEvent } from '../controller/core/types.ts';
import type { Controller } from '../controller/runtime.ts';
import type { EnvSensorDriver } from '../drivers/modbus/env-sensor-driver.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { EnvSensorSim } from './sim/env-sensor-sim.ts';
import { RtuSlaveSim, TcpSlaveSim } from './sim/modbus-transports.ts';

const rig = process.env.CAMPUS_EDGE_RIG;
const sim = !rig;

describe('environmental sensors over Modbus RTU and TCP', () => {
  const t = tempDir('modbus');
  const pty = new PtyPair(t.dir, 'rs485');
  const th101 = EnvSensorSim.fromProfile('renke-th', { humidity: 63.2, temperature: -5.5 });
  const co2101 = EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 20, co2: 650 });
  const thLab = EnvSensorSim.fromProfile('th-swapped-8n2', { temperature: 21.37, humidity: 48.5 });
  const pmLab = EnvSensorSim.fromProfile('renke-pm', { pm25: 12, pm10: 30 });
  const rtu = new RtuSlaveSim(
    pty.deviceEnd,
    new Map([
      [1, th101.unit],
      [2, co2101.unit],
    ]),
    4800,
  );
  const tcp = new TcpSlaveSim(
    new Map([
      [1, thLab.unit],
      [2, pmLab.unit],
    ]),
  );
  let c: Controller;

  const latest = (device: string): Record<string, number | null> | undefined => {
    const e: StoredEvent | undefined = c.pipeline.log.search({ topic: 'telemetry', source: device, limit: 1 })[0];
    return e && Object.fromEntries((e.data.readings as Reading[]).map((r) => [r.point, r.value]));
  };
  const health = (device: string) => c.health.list().find((d) => d.id === device)?.health;
  const rtuStats = () =>
    (c.drivers.find((d) => (d as EnvSensorDriver).stats().bus === 'rs485-1') as EnvSensorDriver).stats();

  before(async () => {
    if (rig) {
      c = await startController(rig);
      return;
    }
    await pty.plug();
    await rtu.open();
    const tcpPort = await tcp.listen(0);
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        rooms: [
          { id: '101', name: '初一(1)班' },
          { id: 'lab', name: '实验室' },
        ],
        buses: [
          { id: 'rs485-1', type: 'modbus-rtu', port: pty.controllerEnd, baud_rate: 4800, timeout_ms: 150 },
          { id: 'lab-gw', type: 'modbus-tcp', host: '127.0.0.1', port: tcpPort, timeout_ms: 300 },
        ],
        devices: [
          { id: 'th-101', bus: 'rs485-1', address: 1, profile: 'renke-th', room: '101', poll_interval_s: 0.2 },
          { id: 'co2-101', bus: 'rs485-1', address: 2, profile: 'renke-co2', room: '101', poll_interval_s: 0.2 },
          { id: 'th-lab', bus: 'lab-gw', address: 1, profile: 'th-swapped-8n2', room: 'lab', poll_interval_s: 0.2 },
          { id: 'pm-lab', bus: 'lab-gw', address: 2, profile: 'renke-pm', room: 'lab', poll_interval_s: 0.2 },
        ],
      }),
    );
  });
  after(async () => {
    await c?.stop();
    if (sim) {
      await rtu.close();
      await pty.unplug();
      await tcp.close();
    }
    t.remove();
  });

  test('each model is decoded by its own profile: signed, scaled, swapped registers', {
    skip: rig && 'simulator values',
  }, async () => {
    await waitFor(
      'readings from all four sensors',
      () => ['th-101', 'co2-101', 'th-lab', 'pm-lab'].every((d) => latest(d)),
      10_000,
    );
    assert.deepEqual(latest('th-101'), { humidity: 63.2, temperature: -5.5 });
    assert.deepEqual(latest('co2-101'), { humidity: 45, temperature: 20, co2: 650 });
    assert.deepEqual(latest('th-lab'), { temperature: 21.37, humidity: 48.5 });
    assert.deepEqual(latest('pm-lab'), { pm25: 12, pm10: 30 });
    assert.deepEqual(c.readings.series('lab', 'temperature', 0, Date.now() + 1).at(-1)?.value, 21.37);
  });

  test('every configured device reports readings inside its profile range', { skip: sim && 'rig only' }, async () => {
    for (const d of c.site.config.devices)
      await waitFor(`a reading from ${d.id}`, () => latest(d.id), d.poll_interval_s * 3000 + 5000);
  });

  test('CO2 over 1000 ppm raises a room alarm that clears only below the hysteresis band', {
    skip: rig && 'needs the simulator',
  }, async () => {
    const active = () => c.alarms.isActive('env:co2-101:co2:high');
    co2101.set('co2', 1200);
    await waitFor('the CO2 alarm', active);
    co2101.set('co2', 980);
    await waitFor('a reading of 980', () => latest('co2-101')?.co2 === 980);
    await new Promise((r) => setTimeout(r, 600)); // three more polls at 980
    assert.equal(active(), true, 'inside the hysteresis band the alarm holds');
    co2101.set('co2', 900);
    await waitFor('the alarm to clear', () => !active());
    const alarm = c.alarms.history({ limit: 20 }).find((a) => a.key === 'env:co2-101:co2:high')!;
    assert.equal(alarm.data.room, '101');
    assert.equal(alarm.active, false);
  });

  test('a sensor that stops answering goes degraded then offline with an alarm; its bus neighbour is unaffected', {
    skip: rig && 'needs the simulator',
  }, async () => {
    co2101.unit.fault = 'silent';
    await waitFor('co2-101 offline', () => health('co2-101') === 'offline', 10_000);
    assert.ok(c.alarms.isActive('device.offline:co2-101'));
    const before = th101.unit.requests;
    await waitFor('th-101 still polled', () => th101.unit.requests > before + 3);
    assert.equal(health('th-101'), 'online');
    co2101.unit.fault = 'none';
    await waitFor('co2-101 back online', () => health('co2-101') === 'online', 20_000);
    assert.equal(c.alarms.isActive('device.offline:co2-101'), false);
    const transitions = c.pipeline.log
      .search({ type: 'device.health', source: 'co2-101', limit: 10 })
      .map((e) => e.data.health)
      .reverse();
    assert.deepEqual(transitions.slice(-3), ['degraded', 'offline', 'online']);
  });

  test('bad CRCs and garbage are counted and dropped; the driver carries on', {
    skip: rig && 'needs the simulator',
  }, async () => {
    for (const fault of ['bad-crc', 'garbage'] as const) {
      const before = rtuStats();
      th101.unit.fault = fault;
      await waitFor(
        `${fault} to be noticed`,
        () => rtuStats().malformed + rtuStats().timeouts > before.malformed + before.timeouts + 2,
        10_000,
      );
      th101.unit.fault = 'none';
      await waitFor(
        'th-101 online again',
        () => health('th-101') === 'online' && rtuStats().ok > before.ok + 5,
        20_000,
      );
    }
    assert.ok(rtuStats().malformed > 0, `malformed frames counted: ${JSON.stringify(rtuStats())}`);
    th101.set('temperature', 23.4);
    await waitFor('a fresh reading after the faults', () => latest('th-101')?.temperature === 23.4);
  });

  test('unplugging the RS-485 adapter takes its sensors offline; replugging brings them back', {
    skip: rig && 'needs the simulator',
  }, async () => {
    await rtu.close();
    await pty.unplug();
    await waitFor(
      'both RTU sensors offline',
      () => health('th-101') === 'offline' && health('co2-101') === 'offline',
      15_000,
    );
    assert.equal(health('th-lab'), 'online', 'the TCP bus is unaffected');
    await pty.plug();
    await rtu.open();
    await waitFor(
      'both RTU sensors online',
      () => health('th-101') === 'online' && health('co2-101') === 'online',
      30_000,
    );
    assert.ok(rtuStats().reconnects >= 1);
  });

  test('a Modbus TCP gateway that drops its connections is reconnected', {
    skip: rig && 'needs the simulator',
  }, async () => {
    const before = pmLab.unit.requests;
    tcp.disconnectAll();
    pmLab.set('pm25', 77);
    await waitFor(
      'a new reading after the reconnect',
      () => latest('pm-lab')?.pm25 === 77 && pmLab.unit.requests > before,
      20_000,
    );
    assert.ok(c.alarms.isActive('env:pm-lab:pm25:high'), 'PM2.5 over 50 raises an alarm');
  });
});
