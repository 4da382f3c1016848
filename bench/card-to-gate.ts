/**
 * Card-to-gate latency under background load: a decoded card read goes
 * through the decision to the relay board's coil write on a Modbus bus that
 * 20 sensors also poll, while telemetry floods the pipeline and the uplink
 * forwards to Mosquitto. Two figures: the decision (read to gate command
 * issued) and the whole software path (read to the coil write arriving at the
 * simulated board over Modbus TCP).
 */
import { join } from 'node:path';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { EnvSensorSim } from '../hil-tests/sim/env-sensor-sim.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { startGateRig } from './gate-rig.ts';
import { summary } from './stats.ts';

export async function cardToGate(reads: number, telemetryPerS: number, sealed = true) {
  const t = tempDir('bench-gate');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const sensors = Array.from({ length: 20 }, () =>
    EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 21, co2: 600 }),
  );
  const rig = await startGateRig(
    t.dir,
    5000,
    {
      uplink: { url: broker.url },
      devices: sensors.map((_, i) => ({
        id: `s${i}`,
        bus: 'lan',
        address: i + 1,
        profile: 'renke-co2',
        room: `r${i}`,
        poll_interval_s: 0.1,
      })),
      storage: { encrypt_personal_data: sealed },
    },
    sensors.map((s, i): [number, ModbusUnit] => [i + 1, s.unit]),
  );
  const { c } = rig;
  // Background: a steady telemetry flood through the pipeline and the uplink.
  const flood = setInterval(() => {
    for (let i = 0; i < telemetryPerS / 100; i++)
      c.pipeline.emit({
        topic: 'telemetry',
        type: 'env.reading',
        source: 'flood',
        data: { room: 'x', model: 'x', readings: [{ point: 'co2', value: i, unit: 'ppm' }] },
      });
  }, 10);
  await new Promise((r) => setTimeout(r, 1000));
  const endToEnd: number[] = [];
  c.access.latencies.length = 0;
  for (let i = 0; i < reads; i++) {
    endToEnd.push(await rig.readCard(i));
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(flood);
  const committed = c.pipeline.stats.committed;
  await rig.stop();
  await broker.stop();
  t.remove();
  return { decision: summary(c.access.latencies), endToEnd: summary(endToEnd), reads, committed };
}
