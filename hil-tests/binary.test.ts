import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSite } from '../controller/config/load-site.ts';
import { binaryFor } from './lib/binaries.ts';
import { ControllerProcess } from './lib/controller-process.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { NotifySocket } from './lib/notify-socket.ts';
import { waitFor } from './lib/ports.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { EnvSensorSim } from './sim/env-sensor-sim.ts';
import { RtuSlaveSim } from './sim/modbus-transports.ts';

describe('the single binary', () => {
  const t = tempDir('binary');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const pty = new PtyPair(t.dir, 'rs485');
  const th = EnvSensorSim.fromProfile('renke-th', { humidity: 55.5, temperature: 23.4 });
  const rtu = new RtuSlaveSim(pty.deviceEnd, new Map([[1, th.unit]]), 9600);
  let site: string;

  before(async () => {
    for (const arch of ['x64', 'arm64'] as const) binaryFor(arch);
    await broker.start();
    await pty.plug();
    await rtu.open();
    site = await writeSite(t.dir, {
      uplink: { url: broker.url, reconnect_s: 0.3 },
      rooms: [{ id: '101', name: '初一(1)班' }],
      buses: [{ id: 'rs485-1', type: 'modbus-rtu', port: pty.controllerEnd, baud_rate: 9600, timeout_ms: 300 }],
      devices: [{ id: 'th-101', bus: 'rs485-1', address: 1, profile: 'renke-th', room: '101', poll_interval_s: 0.2 }],
    });
  });
  after(async () => {
    await rtu.close();
    await pty.unplug();
    await broker.stop();
    t.remove();
  });

  test('x64: checks the config, serves /health, reads RS-485, forwards over MQTT and speaks sd_notify', async () => {
    const [cmd, ...args] = binaryFor('x64');
    assert.match(execFileSync(cmd!, [...args, 'config', 'check', site], { encoding: 'utf8' }), /ok \(1 devices/);
    const notify = new NotifySocket(t.dir);
    await notify.listen();
    const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-binary');
    const proc = new ControllerProcess(site, loadSite(site).config.console.port, {
      command: binaryFor('x64'),
      env: { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '400000', CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') },
    });
    try {
      const started = performance.now();
      await proc.start();
      console.log(
        `# x64 binary: spawn to /api/health answering in ${(performance.now() - started).toFixed(0)} ms (first start, unpacking its files)`,
      );
      await waitFor(
        'READY=1 and watchdog pings',
        () => notify.count('READY=1') === 1 && notify.count('WATCHDOG=1') >= 3,
        10_000,
      );
      await waitFor(
        'a reading from the RS-485 sensor at the NOC',
        () => noc.envelopes('/telemetry').some((e) => e.source === 'th-101'),
        15_000,
      );
      const reading = noc.envelopes('/telemetry').find((e) => e.source === 'th-101')!;
      assert.deepEqual(
        (reading.data.readings as { point: string; value: number }[]).map((r) => [r.point, r.value]).sort(),
        [
          ['humidity', 55.5],
          ['temperature', 23.4],
        ],
      );
    } finally {
      const code = await proc.kill('SIGTERM');
      notify.close();
      await noc.close();
      assert.equal(code, 0, proc.output.slice(-2000));
    }
    assert.ok(notify.count('STOPPING=1') >= 1, notify.received.join(' | '));
    // A second start finds its files unpacked already.
    const again = new ControllerProcess(site, loadSite(site).config.console.port, {
      command: binaryFor('x64'),
      env: { CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') },
    });
    const started = performance.now();
    await again.start();
    console.log(
      `# x64 binary: spawn to /api/health answering in ${(performance.now() - started).toFixed(0)} ms (files already unpacked)`,
    );
    assert.equal(await again.kill('SIGTERM'), 0);
  });

  test('arm64 under qemu: checks the config and serves /health', async () => {
    const [cmd, ...args] = binaryFor('arm64');
    assert.match(execFileSync(cmd!, [...args, 'version'], { encoding: 'utf8' }), /linux-arm64/);
    assert.match(execFileSync(cmd!, [...args, 'config', 'check', site], { encoding: 'utf8' }), /ok \(1 devices/);
    const port = loadSite(site).config.console.port;
    const proc = new ControllerProcess(site, port, {
      command: binaryFor('arm64'),
      env: { CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime-arm64') },
      startTimeoutMs: 90_000,
    });
    try {
      const started = performance.now();
      await proc.start();
      console.log(`# arm64 binary under qemu: /api/health answering in ${(performance.now() - started).toFixed(0)} ms`);
      const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as Record<string, unknown>;
      assert.equal(health.ok, true);
    } finally {
      assert.equal(await proc.kill('SIGTERM'), 0, proc.output.slice(-2000));
    }
  });
});
