/**
 * Modbus against implementations the project did not write: the controller reads
 * pymodbus (Debian's python3-pymodbus) over Modbus TCP, RTU over TCP (a serial
 * server) and Modbus ASCII on a pty, with registers written by hand from the
 * manuals; and mbpoll (libmodbus) reads the project's own simulators, so they
 * are checked against a real client, not only against the driver.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Reading, StoredEvent } from '../controller/core/types.ts';
import type { Controller } from '../controller/runtime.ts';
import { pymodbus } from './lib/pymodbus.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { EnvSensorSim } from './sim/env-sensor-sim.ts';
import { RtuSlaveSim, TcpSlaveSim } from './sim/modbus-transports.ts';

const run = promisify(execFile);
/** Every register from 0 to the last one given, zero where the manual has nothing: sensors answer whole ranges. */
const registers = (values: Record<number, number>) => {
  const last = Math.max(...Object.keys(values).map(Number));
  return Object.fromEntries(Array.from({ length: last + 1 }, (_, a) => [a, values[a] ?? 0]));
};

describe('Modbus against pymodbus: TCP with several transactions in flight, RTU over TCP, ASCII', () => {
  const t = tempDir('modbus-outside');
  const pty = new PtyPair(t.dir, 'ascii');
  const servers: ChildProcess[] = [];
  let c: Controller;

  const latest = (device: string): Reading[] | undefined =>
    (c.pipeline.log.search({ topic: 'telemetry', source: device, limit: 1 })[0] as StoredEvent | undefined)?.data
      .readings as Reading[] | undefined;
  const values = (device: string) =>
    Object.fromEntries((latest(device) ?? []).map((r) => [r.point, r.quality === 'good' ? r.value : r.reason]));
  const health = (device: string) => c.health.list().find((d) => d.id === device);

  before(async () => {
    const [tcpPort, rtuTcpPort] = [await freePort(), await freePort()];
    await pty.plug();
    servers.push(
      await pymodbus('tcp', `127.0.0.1:${tcpPort}`, {
        // JXCT air quality: PM2.5 reads 5000, past the sensor's range: a bad point, the rest kept.
        1: { hr: registers({ 0: 500, 1: 0xff9b, 4: 5000, 5: 820, 6: 250, 9: 60 }) },
        2: { ir: registers({ 1: 0xff33, 2: 0x0222 }) },
        3: { hr: { 7: 0x0002, 8: 0x06f6 } },
      }),
      await pymodbus('rtu-tcp', `127.0.0.1:${rtuTcpPort}`, { 1: { hr: registers({ 0: 0x0292, 1: 0xff9b }) } }),
      await pymodbus('ascii', pty.deviceEnd, { 7: { hr: { 0: 553 } } }),
    );
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [
          { id: 'lan', type: 'modbus-tcp', host: '127.0.0.1', port: tcpPort, timeout_ms: 300, max_in_flight: 4 },
          { id: 'serial-server', type: 'modbus-rtu-tcp', host: '127.0.0.1', port: rtuTcpPort, timeout_ms: 300 },
          // A pty keeps 8N1 whatever is asked (see pymodbus-server.py); real ASCII lines mostly run 7E1.
          {
            id: 'ascii-1',
            type: 'modbus-ascii',
            port: pty.controllerEnd,
            data_bits: 8,
            parity: 'none',
            timeout_ms: 300,
          },
        ],
        devices: [
          { id: 'air-1', bus: 'lan', address: 1, profile: 'jxct-air', room: 'r1', poll_interval_s: 0.2 },
          { id: 'th-2', bus: 'lan', address: 2, profile: 'xy-md02', room: 'r2', poll_interval_s: 0.2 },
          { id: 'lux-3', bus: 'lan', address: 3, profile: 'jxct-lux', room: 'r3', poll_interval_s: 0.2 },
          { id: 'gone-4', bus: 'lan', address: 4, profile: 'jxct-th', room: 'r4', poll_interval_s: 0.2 },
          { id: 'th-5', bus: 'serial-server', address: 1, profile: 'jxct-th', room: 'r5', poll_interval_s: 0.2 },
          { id: 'noise-7', bus: 'ascii-1', address: 7, profile: 'taidacent-noise', room: 'r7', poll_interval_s: 0.2 },
        ],
      }),
    );
  });
  after(async () => {
    await c?.stop();
    for (const s of servers) s.kill();
    await pty.unplug();
    t.remove();
  });

  test('registers written from the manuals read as the manuals say, over all three transports', async () => {
    await waitFor('readings from every present device', () =>
      ['air-1', 'th-2', 'lux-3', 'th-5', 'noise-7'].every((d) => latest(d)),
    ).catch((err) => {
      throw new Error(`${err.message}: ${JSON.stringify(c.health.list())}`);
    });
    assert.deepEqual(values('th-2'), { temperature: -20.5, humidity: 54.6 });
    assert.deepEqual(values('lux-3'), { illuminance: 132854 });
    assert.deepEqual(values('th-5'), { humidity: 65.8, temperature: -10.1 });
    assert.deepEqual(values('noise-7'), { noise: 55.3 });
  });

  test('one out-of-range point is marked bad and the device keeps its other readings; it is degraded, not lost', async () => {
    assert.deepEqual(values('air-1'), {
      humidity: 50,
      temperature: -10.1,
      pm25: '5000 outside 0..1000',
      co2: 820,
      tvoc_ppb: 250,
      pm10: 60,
    });
    await waitFor('air-1 degraded', () => health('air-1')?.health === 'degraded');
    assert.match(health('air-1')!.detail ?? '', /pm25: 5000 outside/);
    assert.equal(c.alarms.isActive('env:air-1:pm25:high'), false, 'a bad point raises no air-quality alarm');
    assert.deepEqual(c.readings.series('r1', 'pm25', 0, Date.now() + 1), [], 'a bad point is not charted');
  });

  test('a unit that is not there goes offline; its neighbours on the connection carry on', async () => {
    await waitFor('gone-4 offline', () => health('gone-4')?.health === 'offline', 10_000);
    const before = c.pipeline.log.search({ topic: 'telemetry', source: 'th-2', limit: 1000 }).length;
    await waitFor(
      'more readings from th-2',
      () => c.pipeline.log.search({ topic: 'telemetry', source: 'th-2', limit: 1000 }).length > before + 3,
    );
    assert.equal(health('th-2')?.health, 'online');
  });
});

describe('Modbus TCP answers out of order with several transactions in flight', () => {
  const t = tempDir('modbus-inflight');
  // Unit 1 measures for 40 ms before it answers, unit 2 for 2 ms: unit 2's answers overtake unit 1's.
  const slow = EnvSensorSim.fromProfile('jxct-th', { humidity: 41.5, temperature: 19.5 });
  const quick = EnvSensorSim.fromProfile('jxct-th', { humidity: 72.5, temperature: 26 });
  const sim = new TcpSlaveSim(
    new Map([
      [1, slow.unit],
      [2, quick.unit],
    ]),
    (unit) => (unit === 1 ? 40 : 2),
  );
  let c: Controller;

  before(async () => {
    const port = await sim.listen(0);
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [{ id: 'lan', type: 'modbus-tcp', host: '127.0.0.1', port, timeout_ms: 500, max_in_flight: 4 }],
        devices: [1, 2].map((a) => ({
          id: `th-${a}`,
          bus: 'lan',
          address: a,
          profile: 'jxct-th',
          room: `r${a}`,
          poll_interval_s: 0.05,
        })),
      }),
    );
  });
  after(async () => {
    await c?.stop();
    await sim.close();
    t.remove();
  });

  test('each answer is matched to its own request by transaction id', async () => {
    const readings = (d: string) =>
      c.pipeline.log.search({ topic: 'telemetry', source: d, limit: 200 }).map((e) => e.data.readings as Reading[]);
    await waitFor('twenty polls of the quick unit', () => readings('th-2').length >= 20);
    assert.ok(sim.maxOutstanding >= 2, `transactions in flight together: ${sim.maxOutstanding}`);
    for (const rs of readings('th-1'))
      assert.deepEqual(
        rs.map((r) => r.value),
        [41.5, 19.5],
      );
    for (const rs of readings('th-2'))
      assert.deepEqual(
        rs.map((r) => r.value),
        [72.5, 26],
      );
  });
});

describe("the project's simulators read by mbpoll (libmodbus's client)", () => {
  const t = tempDir('mbpoll');
  const th = EnvSensorSim.fromProfile('jxct-th', { humidity: 65.8, temperature: -10.1 });
  const xy = EnvSensorSim.fromProfile('xy-md02', { temperature: -20.5, humidity: 54.6 });
  const tcp = new TcpSlaveSim(new Map([[1, th.unit]]));
  const pty = new PtyPair(t.dir, 'rtu');
  const rtu = new RtuSlaveSim(pty.deviceEnd, new Map([[5, xy.unit]]), 9600);

  before(async () => {
    await pty.plug();
    await rtu.open();
  });
  after(async () => {
    await rtu.close();
    await pty.unplug();
    await tcp.close();
    t.remove();
  });

  /** mbpoll's "[n]: value" lines, as numbers. */
  const polled = (out: string) => [...out.matchAll(/^\[\d+\]:\s+(-?\d+)/gm)].map((m) => Number(m[1]));

  test('Modbus TCP: the registers hold what the manual says (0x0292 and 0xFF9B)', async () => {
    const port = await tcp.listen(0);
    const { stdout } = await run('mbpoll', [
      '-m',
      'tcp',
      '-p',
      String(port),
      '-a',
      '1',
      '-r',
      '1',
      '-c',
      '2',
      '-1',
      '127.0.0.1',
    ]);
    assert.deepEqual(polled(stdout), [658, 0xff9b]);
  });

  test('Modbus RTU on a pty: input registers, and an address the model lacks is refused as a real one refuses', async () => {
    const base = ['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '5', '-t', '3', '-1', pty.controllerEnd];
    const { stdout } = await run('mbpoll', [...base.slice(0, -1), '-r', '2', '-c', '2', pty.controllerEnd]);
    assert.deepEqual(polled(stdout), [0xff33, 546]);
    const refused = await run('mbpoll', [...base.slice(0, -1), '-r', '40', '-c', '1', pty.controllerEnd]).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    assert.match(`${refused.stdout}${refused.stderr}`, /Illegal data address/i);
  });
});
