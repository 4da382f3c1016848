/**
 * Modbus poll cycle: N temperature/humidity sensors behind one simulated
 * Modbus TCP gateway, each to be read every 50 ms, the readings decoded and
 * forwarded to Mosquitto. campus-edge (one transaction at a time on the bus, then
 * four in flight as a native TCP device allows; every reading committed before it
 * is forwarded) against Node-RED with
 * node-red-contrib-modbus (a Modbus-Read node per sensor, a function node to
 * scale, an mqtt out node). Measured at the sensors: the time between two
 * reads of the same sensor, and the CPU each process used.
 */
import { join } from 'node:path';
import { loadSite } from '../controller/config/load-site.ts';
import { ControllerProcess } from '../hil-tests/lib/controller-process.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { EnvSensorSim } from '../hil-tests/sim/env-sensor-sim.ts';
import { TcpSlaveSim } from '../hil-tests/sim/modbus-transports.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { NodeRed } from './node-red-peer.ts';
import { cpuSeconds, summary } from './stats.ts';

const INTERVAL_MS = 50;

export interface CycleResult {
  name: string;
  sensors: number;
  readsPerS: number;
  cycleP50Ms: number;
  cycleP99Ms: number;
  cpuPercent: number;
}

/** Timestamps every request each sensor answers. */
function timeRequests(units: ModbusUnit[]): number[][] {
  return units.map((u) => {
    const times: number[] = [];
    const handle = u.handle.bind(u);
    u.handle = (pdu) => {
      times.push(performance.now());
      return handle(pdu);
    };
    return times;
  });
}

async function measure(name: string, pid: number, times: number[][], windowMs: number): Promise<CycleResult> {
  await new Promise((r) => setTimeout(r, 3000));
  const from = performance.now();
  const cpu0 = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = cpuSeconds(pid) - cpu0;
  const to = performance.now();
  const gaps = times.flatMap((ts) => {
    const w = ts.filter((x) => x >= from && x <= to);
    return w.slice(1).map((x, i) => x - w[i]!);
  });
  const reads = times.reduce((n, ts) => n + ts.filter((x) => x >= from && x <= to).length, 0);
  const s = summary(gaps);
  return {
    name,
    sensors: times.length,
    readsPerS: reads / ((to - from) / 1000),
    cycleP50Ms: s.p50,
    cycleP99Ms: s.p99,
    cpuPercent: (cpu / ((to - from) / 1000)) * 100,
  };
}

/** Node-RED: a Modbus-Read per sensor every 50 ms, scaled in a function node, sent on at QoS1. */
function nodeRedFlow(n: number, modbusPort: number, brokerPort: number): Record<string, unknown>[] {
  const scale = `msg.payload = JSON.stringify({ device: 'th-' + msg.input.payload.unitid, ts: Date.now(),
  readings: [{ point: 'humidity', value: msg.payload[0] / 10, unit: '%RH' }, { point: 'temperature', value: ((msg.payload[1] << 16) >> 16) / 10, unit: '°C' }] });
msg.topic = 'nodered/telemetry';
return msg;`;
  return [
    { id: 'tab', type: 'tab', label: 'modbus poll' },
    {
      id: 'client',
      type: 'modbus-client',
      clienttype: 'tcp',
      bufferCommands: true,
      stateLogEnabled: false,
      queueLogEnabled: false,
      failureLogEnabled: false,
      tcpHost: '127.0.0.1',
      tcpPort: String(modbusPort),
      tcpType: 'DEFAULT',
      unit_id: 1,
      commandDelay: 1,
      clientTimeout: 1000,
      reconnectOnTimeout: true,
      reconnectTimeout: 2000,
      parallelUnitIdsAllowed: true,
    },
    {
      id: 'broker',
      type: 'mqtt-broker',
      broker: '127.0.0.1',
      port: String(brokerPort),
      clientid: 'nodered-modbus',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '30',
      cleansession: true,
    },
    ...Array.from({ length: n }, (_, i) => ({
      id: `read-${i + 1}`,
      type: 'modbus-read',
      z: 'tab',
      unitid: String(i + 1),
      dataType: 'HoldingRegister',
      adr: '0',
      quantity: '2',
      rate: String(INTERVAL_MS),
      rateUnit: 'ms',
      delayOnStart: false,
      server: 'client',
      useIOFile: false,
      useIOForPayload: false,
      emptyMsgOnFail: false,
      showStatusActivities: false,
      showErrors: false,
      wires: [['scale'], []],
    })),
    { id: 'scale', type: 'function', z: 'tab', func: scale, outputs: 1, wires: [['out']] },
    { id: 'out', type: 'mqtt out', z: 'tab', topic: '', qos: '1', retain: 'false', broker: 'broker', wires: [] },
  ];
}

async function startSensors(n: number) {
  const sensors = Array.from({ length: n }, (_, i) =>
    EnvSensorSim.fromProfile('renke-th', { humidity: 40 + (i % 20), temperature: 20 + (i % 5) }),
  );
  const sim = new TcpSlaveSim(new Map<number, ModbusUnit>(sensors.map((s, i) => [i + 1, s.unit])));
  const port = await sim.listen(0);
  return { sim, port, times: timeRequests(sensors.map((s) => s.unit)) };
}

export async function modbusCycle(counts: number[], windowMs: number): Promise<CycleResult[]> {
  const t = tempDir('modbus-cycle');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const out: CycleResult[] = [];
  try {
    for (const n of counts) {
      {
        const { sim, port, times } = await startSensors(n);
        const red = new NodeRed(join(t.dir, `node-red-${n}`));
        try {
          await red.start(nodeRedFlow(n, port, broker.port));
          out.push(await measure('Node-RED 4 + node-red-contrib-modbus', red.pid!, times, windowMs));
        } finally {
          await red.stop();
          await sim.close();
        }
      }
      // One transaction at a time (a serial gateway's default), then four in flight (a native TCP device).
      for (const inFlight of [1, 4]) {
        const { sim, port, times } = await startSensors(n);
        const file = await writeSite(join(t.dir, `ce-${n}-${inFlight}`), {
          uplink: { url: broker.url },
          buses: [
            { id: 'lan-gw', type: 'modbus-tcp', host: '127.0.0.1', port, timeout_ms: 500, max_in_flight: inFlight },
          ],
          devices: Array.from({ length: n }, (_, i) => ({
            id: `th-${i + 1}`,
            bus: 'lan-gw',
            address: i + 1,
            profile: 'renke-th',
            room: `r${i + 1}`,
            poll_interval_s: INTERVAL_MS / 1000,
          })),
        });
        const proc = new ControllerProcess(file, loadSite(file).config.console.port);
        try {
          await proc.start();
          out.push(await measure(`campus-edge, ${inFlight} in flight`, proc.pid!, times, windowMs));
        } finally {
          await proc.kill('SIGTERM');
          await sim.close();
        }
      }
    }
    return out;
  } finally {
    await broker.stop();
    t.remove();
  }
}
