import { EnvSensorSim } from '../sim/env-sensor-sim.ts';
import { TcpSlaveSim } from '../sim/modbus-transports.ts';
import type { ModbusUnit } from '../sim/modbus-unit.ts';

/** N CO2 sensors behind one simulated Modbus TCP gateway, for tests that need a steady stream. */
export async function startCo2Gateway(n: number) {
  const sensors = Array.from({ length: n }, (_, i) =>
    EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 21, co2: 600 + i }),
  );
  const sim = new TcpSlaveSim(new Map<number, ModbusUnit>(sensors.map((s, i) => [i + 1, s.unit])));
  const port = await sim.listen(0);
  const bus = { id: 'lan-gw', type: 'modbus-tcp', host: '127.0.0.1', port, timeout_ms: 500 };
  const devices = (pollS: number) =>
    sensors.map((_, i) => ({
      id: `co2-${i + 1}`,
      bus: 'lan-gw',
      address: i + 1,
      profile: 'renke-co2',
      room: `r${i + 1}`,
      poll_interval_s: pollS,
    }));
  return { sensors, sim, port, bus, devices };
}
