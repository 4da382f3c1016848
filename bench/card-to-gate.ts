/**
 * Card-to-gate latency under background load: a decoded card read goes
 * through the decision to the relay board's coil write on a Modbus bus that
 * 20 sensors also poll, while telemetry floods the pipeline and the uplink
 * forwards to Mosquitto. Two figures: the decision (read to gate command
 * issued) and the whole software path (read to the coil write arriving at the
 * simulated board over Modbus TCP).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { startController, tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { EnvSensorSim } from '../hil-tests/sim/env-sensor-sim.ts';
import { TcpSlaveSim } from '../hil-tests/sim/modbus-transports.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { TurnstileSim } from '../hil-tests/sim/turnstile-sim.ts';
import { summary } from './stats.ts';

export async function cardToGate(reads: number, telemetryPerS: number) {
  const t = tempDir('bench-gate');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const turnstile = new TurnstileSim();
  turnstile.autoPass = false;
  const sensors = Array.from({ length: 20 }, () => EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 21, co2: 600 }));
  const sim = new TcpSlaveSim(new Map<number, ModbusUnit>([[100, turnstile.unit], ...sensors.map((s, i): [number, ModbusUnit] => [i + 1, s.unit])]));
  const port = await sim.listen(0);
  const c = await startController(await writeSite(t.dir, {
    uplink: { url: broker.url },
    buses: [{ id: 'lan', type: 'modbus-tcp', host: '127.0.0.1', port }],
    devices: sensors.map((_, i) => ({ id: `s${i}`, bus: 'lan', address: i + 1, profile: 'renke-co2', room: `r${i}`, poll_interval_s: 0.1 })),
    access: { gates: [{ id: 'g', bus: 'lan', address: 100, pulse_ms: 200, poll_ms: 100 }], readers: [{ id: 'r', type: 'wiegand-serial', port: '/dev/null-bench', gate: 'g', direction: 'in' }] },
  }));
  c.allowlist.apply({
    version: 1, full: true, groups: [{ id: 'all', name: 'all' }],
    schedules: [{ id: 'always', name: 'always', onHolidays: true, intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] }],
    rules: [{ gateId: 'g', groupId: 'all', scheduleId: 'always' }],
    cardholders: Array.from({ length: 5000 }, (_, i) => ({ id: `p${i}`, name: `p${i}`, kind: 'student' as const, class: null, card: String(100_000 + i), validFrom: null, validTo: null, enabled: true, groups: ['all'] })),
  });
  // Background: a steady telemetry flood through the pipeline and the uplink.
  const flood = setInterval(() => {
    for (let i = 0; i < telemetryPerS / 100; i++) c.pipeline.emit({ topic: 'telemetry', type: 'env.reading', source: 'flood', data: { room: 'x', model: 'x', readings: [{ point: 'co2', value: i, unit: 'ppm' }] } });
  }, 10);
  await new Promise((r) => setTimeout(r, 1000));
  const endToEnd: number[] = [];
  let coilAt = 0;
  const onCoil = turnstile.unit.onCoil!;
  turnstile.unit.onCoil = (addr, on) => { if (on) coilAt = performance.now(); onCoil(addr, on); };
  c.access.latencies.length = 0;
  for (let i = 0; i < reads; i++) {
    coilAt = 0;
    const at = performance.now();
    c.access.onCard({ readerId: 'r', card: String(100_000 + (i % 5000)), bits: '', format: 'w26', at });
    while (coilAt === 0) await new Promise((r) => setImmediate(r));
    endToEnd.push(coilAt - at);
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(flood);
  const committed = c.pipeline.stats.committed;
  await c.stop();
  await sim.close();
  await broker.stop();
  t.remove();
  return { decision: summary(c.access.latencies), endToEnd: summary(endToEnd), reads, committed };
}
