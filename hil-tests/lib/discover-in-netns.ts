/**
 * Runs inside a fresh network namespace (see discover.test.ts): two simulated cameras answer
 * WS-Discovery on loopback and three Modbus units share a pty, then the binary's
 * `campus-edge discover` is run against them. Prints its output and the draft as JSON.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvSensorSim } from '../sim/env-sensor-sim.ts';
import { RtuSlaveSim } from '../sim/modbus-transports.ts';
import { binaryFor } from './binaries.ts';
import { startDiscoverableCameras } from './discoverable-cameras.ts';
import { PtyPair } from './pty-pair.ts';

const dir = process.argv[2]!;
const cameras = await startDiscoverableCameras();
const pty = new PtyPair(dir, 'rs485');
await pty.plug();
const units = new Map([
  [3, EnvSensorSim.fromProfile('renke-th', { humidity: 55.5, temperature: 23.4 }).unit],
  [7, EnvSensorSim.fromProfile('renke-co2', { humidity: 45, temperature: 20.1, co2: 650 }).unit],
  // A unit whose registers fit no shipped profile (150 %RH is no humidity).
  [9, EnvSensorSim.fromProfile('renke-th', { humidity: 150, temperature: 300 }).unit],
]);
const rtu = new RtuSlaveSim(pty.deviceEnd, units, 4800);
await rtu.open();
const draft = join(dir, 'draft-site.yaml');
const [cmd, ...pre] = binaryFor('x64');
const started = performance.now();
// Asynchronous: the simulators answer from this process's event loop.
const { stdout: out } = await promisify(execFile)(
  cmd!,
  [
    ...pre,
    'discover',
    '--modbus',
    pty.controllerEnd,
    '--serial',
    '4800-8N1',
    '--addresses',
    '1-10',
    '--timeout-ms',
    '150',
    '--onvif-timeout',
    '2',
    '--out',
    draft,
  ],
  { encoding: 'utf8', env: { ...process.env, CAMPUS_EDGE_RUNTIME_DIR: join(dir, 'runtime') } },
);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ out, draft: readFileSync(draft, 'utf8'), seconds, probes: cameras.responder.probes }));
await rtu.close();
await pty.unplug();
await cameras.stop();
