/**
 * Runs simulated Modbus sensors on their own, for a rig or a gateway on the
 * bench: on a serial port (a USB RS-485 adapter or one end of a pty pair) or
 * on TCP. Values and faults are changed by lines on stdin.
 *
 *   node --import tsx hil-tests/sim/sensor-sim-cli.ts --serial /dev/ttyUSB0 --baud 4800 --unit 1:renke-th --unit 2:renke-co2
 *   node --import tsx hil-tests/sim/sensor-sim-cli.ts --tcp 5020 --unit 1:renke-pm:pm25=35
 *
 * stdin: `set ADDR POINT VALUE`, `fault ADDR none|silent|bad-crc|garbage|slow|busy`, `status`
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { EnvSensorSim } from './env-sensor-sim.ts';
import { RtuSlaveSim, TcpSlaveSim } from './modbus-transports.ts';
import type { Fault, ModbusUnit } from './modbus-unit.ts';

const FAULTS: readonly Fault[] = ['none', 'silent', 'bad-crc', 'garbage', 'slow', 'busy'];

const { values } = parseArgs({
  options: {
    serial: { type: 'string' },
    baud: { type: 'string', default: '9600' },
    tcp: { type: 'string' },
    unit: { type: 'string', multiple: true },
  },
});
if (!values.unit?.length || Boolean(values.serial) === Boolean(values.tcp)) {
  console.error(
    'usage: sensor-sim-cli (--serial PATH [--baud N] | --tcp PORT) --unit ADDR:PROFILE[:point=value,...] ...',
  );
  process.exit(2);
}

const sensors = new Map<number, EnvSensorSim>();
for (const spec of values.unit) {
  const [addr, profile, init] = spec.split(':');
  const initial = Object.fromEntries(
    (init ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => {
        const [k, v] = kv.split('=');
        return [k!, Number(v)];
      }),
  );
  sensors.set(Number(addr), EnvSensorSim.fromProfile(profile!, initial));
}
const units = new Map<number, ModbusUnit>([...sensors].map(([a, s]) => [a, s.unit]));

if (values.serial) {
  await new RtuSlaveSim(values.serial, units, Number(values.baud)).open();
  console.log(`listening on serial ${values.serial} at ${values.baud} baud, units ${[...units.keys()].join(', ')}`);
} else {
  const port = await new TcpSlaveSim(units).listen(Number(values.tcp), '127.0.0.1');
  console.log(`listening on tcp 127.0.0.1:${port}, units ${[...units.keys()].join(', ')}`);
}

function apply(line: string): string {
  const [cmd, addr, a, b] = line.trim().split(/\s+/);
  const sensor = sensors.get(Number(addr));
  if (cmd === 'status')
    return [...sensors]
      .map(([n, s]) => `${n} ${s.profile.model} fault=${s.unit.fault} requests=${s.unit.requests}`)
      .join('\n');
  if (!sensor) return `error: no unit ${addr}`;
  if (cmd === 'set' && a && b !== undefined && Number.isFinite(Number(b))) {
    sensor.set(a, Number(b));
    return 'ok';
  }
  if (cmd === 'fault' && FAULTS.includes(a as Fault)) {
    sensor.unit.fault = a as Fault;
    return 'ok';
  }
  return 'error: set ADDR POINT VALUE | fault ADDR none|silent|bad-crc|garbage|slow|busy | status';
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    console.log(apply(line));
  } catch (err) {
    console.log(`error: ${(err as Error).message}`);
  }
}
