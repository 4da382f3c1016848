import type { Cardholder } from '../../controller/features/access/types.ts';
import { DEFAULT_SUMMER_MONTHS, seasonAt } from '../../controller/features/environment/air-quality.ts';
import { EnvSensorSim } from './env-sensor-sim.ts';
import { RtuSlaveSim, TcpSlaveSim } from './modbus-transports.ts';
import { ModbusUnit } from './modbus-unit.ts';
import { PtyPair } from '../lib/pty-pair.ts';
import { OsdpBusSim, OsdpReaderSim } from './osdp-pd-sim.ts';
import { TurnstileSim } from './turnstile-sim.ts';
import { WiegandConverterSim } from './wiegand-converter-sim.ts';

export interface SimSensor {
  id: string;
  profile: string;
  room: string;
  unit: number;
  sim: EnvSensorSim;
}

/** The sensors of a small simulated school, with values that drift through a day's pattern. */
export const schoolSensors = (): Omit<SimSensor, 'sim'>[] => [
  { id: 'th-101', profile: 'renke-th', room: '101', unit: 1 },
  { id: 'co2-101', profile: 'renke-co2', room: '101', unit: 2 },
  { id: 'co2-102', profile: 'renke-co2', room: '102', unit: 3 },
  { id: 'pm-102', profile: 'renke-pm', room: '102', unit: 4 },
  { id: 'th-lab', profile: 'th-swapped-8n2', room: 'lab', unit: 5 },
  { id: 'co2-canteen', profile: 'renke-co2', room: 'canteen', unit: 6 },
];

/** Values at time t: CO2 in room 101 crosses the 1000 ppm limit once every four minutes. */
export function valuesAt(room: string, tMs: number): Record<string, number> {
  const s = tMs / 1000;
  // Inside the GB/T 18883 band of the season, so only CO2 in room 101 alarms.
  const baseTemp = seasonAt(new Date(tMs), DEFAULT_SUMMER_MONTHS) === 'summer' ? 25 : 20;
  const phase = room.length;
  const wave = (period: number) => Math.sin((2 * Math.PI * s) / period + phase);
  return {
    temperature: baseTemp + 2.5 * wave(900),
    humidity: 50 + 6 * wave(1200),
    co2: room === '101' ? 750 + 450 * Math.max(0, wave(240)) : 600 + 150 * wave(600),
    pm25: 28 + 15 * wave(700),
    pm10: 45 + 20 * wave(700),
  };
}

export function updateSensor(sensor: SimSensor, tMs: number): void {
  const v = valuesAt(sensor.room, tMs);
  for (const p of sensor.sim.profile.points) if (p.name in v) sensor.sim.set(p.name, Math.round(v[p.name]! * 10) / 10);
}

export const TURNSTILE_UNIT = 10;
/** A digital-input module with the perimeter's detectors (normally closed loops, all closed), and a relay module for the siren. */
export const IO_UNIT = 20;
export const RELAY_UNIT = 21;
const DEMO_FACILITY = 12;

/** The demo school's cardholders, as the district would sync them down. */
export const schoolCardholders = () => ({
  version: 1,
  full: true,
  groups: [
    { id: 'students', name: '学生' },
    { id: 'staff', name: '教职工' },
  ],
  schedules: [
    {
      id: 'school-day',
      name: '上学日',
      onHolidays: false,
      intervals: [{ days: [1, 2, 3, 4, 5], from: '06:30', to: '18:30' }],
    },
    {
      id: 'always',
      name: '全天',
      onHolidays: true,
      intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    },
  ],
  rules: [
    { gateId: 'south', groupId: 'students', scheduleId: 'school-day' },
    { gateId: 'south', groupId: 'staff', scheduleId: 'always' },
  ],
  cardholders: [
    ...['张小明', '李华', '王芳', '赵磊', '陈静', '刘洋'].map(
      (name, i): Cardholder => ({
        id: `stu-${101 + i}`,
        name,
        kind: 'student',
        class: i < 3 ? '初一(1)班' : '初一(2)班',
        card: String((DEMO_FACILITY << 16) | (34500 + i)),
        validFrom: null,
        validTo: '2027-07-31',
        enabled: true,
        groups: ['students'],
      }),
    ),
    {
      id: 'tch-01',
      name: '周老师',
      kind: 'staff',
      class: null,
      card: String((DEMO_FACILITY << 16) | 40001),
      validFrom: null,
      validTo: null,
      enabled: true,
      groups: ['staff'],
    },
  ] satisfies Cardholder[],
});

/** A Wiegand converter (entry) and an OSDP reader (exit) at the south gate, on pty pairs. */
async function startReaderSims(dir: string) {
  const wiegandPty = new PtyPair(dir, 'wiegand-south');
  const osdpPty = new PtyPair(dir, 'osdp-1');
  await wiegandPty.plug();
  await osdpPty.plug();
  const entry = new WiegandConverterSim(wiegandPty.deviceEnd, 'ascii', 'w26');
  const exit = new OsdpReaderSim(1);
  const line = new OsdpBusSim(osdpPty.deviceEnd, [exit]);
  await entry.open();
  await line.open();
  return {
    wiegandPath: wiegandPty.controllerEnd,
    osdpPath: osdpPty.controllerEnd,
    entry,
    exit,
    async stop() {
      await entry.close();
      await line.close();
      await wiegandPty.unplug();
      await osdpPty.unplug();
    },
  };
}

/** Starts the simulators: a Modbus TCP gateway and, when socat is there, an RS-485 bus on a pty pair. */
export async function startSchoolSims(dir: string, withSerial: boolean) {
  const defs = schoolSensors();
  const sensors: (SimSensor & { bus: 'rs485-1' | 'lan-gw' })[] = defs.map((d, i) => ({
    ...d,
    sim: EnvSensorSim.fromProfile(d.profile),
    bus: withSerial && i < 2 ? 'rs485-1' : 'lan-gw',
  }));
  const unitsOf = (bus: string) =>
    new Map<number, ModbusUnit>(sensors.filter((s) => s.bus === bus).map((s) => [s.unit, s.sim.unit]));
  const turnstile = new TurnstileSim();
  const io = new ModbusUnit();
  io.discrete.fill(1, 0, 8);
  const tcp = new TcpSlaveSim(
    unitsOf('lan-gw').set(TURNSTILE_UNIT, turnstile.unit).set(IO_UNIT, io).set(RELAY_UNIT, new ModbusUnit()),
  );
  const tcpPort = await tcp.listen(0);
  let pty: PtyPair | null = null;
  let rtu: RtuSlaveSim | null = null;
  if (withSerial) {
    pty = new PtyPair(dir, 'rs485-1');
    await pty.plug();
    rtu = new RtuSlaveSim(pty.deviceEnd, unitsOf('rs485-1'), 4800);
    await rtu.open();
  }
  const readers = withSerial ? await startReaderSims(dir) : null;
  const tick = () => {
    for (const s of sensors) updateSensor(s, Date.now());
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    sensors,
    tcpPort,
    serialPath: pty?.controllerEnd ?? null,
    turnstile,
    io,
    readers,
    async stop() {
      clearInterval(timer);
      await readers?.stop();
      await rtu?.close();
      await pty?.unplug();
      await tcp.close();
    },
  };
}
