import { Aedes } from 'aedes';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generatePassword } from '../controller/core/passwords.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { loadSite } from '../controller/config/load-site.ts';
import { createLogger } from '../controller/core/logger.ts';
import { Controller } from '../controller/runtime.ts';
import {
  IO_UNIT,
  RELAY_UNIT,
  schoolCardholders,
  startSchoolSims,
  TURNSTILE_UNIT,
} from '../hil-tests/sim/school-sim.ts';
import type { TurnstileSim } from '../hil-tests/sim/turnstile-sim.ts';
import type { OsdpReaderSim } from '../hil-tests/sim/osdp-pd-sim.ts';
import type { WiegandConverterSim } from '../hil-tests/sim/wiegand-converter-sim.ts';
import { OnvifCameraSim } from '../hil-tests/sim/onvif-camera-sim.ts';
import { GbPlatformSim } from '../hil-tests/sim/gb-platform-sim.ts';
import { freePort } from '../hil-tests/lib/ports.ts';
import { RtspTestStream } from '../hil-tests/sim/rtsp-test-stream.ts';
import { untilSignal } from '../controller/cli/signals.ts';

const hasTool = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * A simulated school on this machine: an embedded MQTT broker (aedes), Modbus
 * sensor simulators (TCP, plus RS-485 over a socat pty pair when socat is
 * installed) and the controller with its console.
 */
export async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8080' },
      'mqtt-port': { type: 'string', default: '1883' },
      dir: { type: 'string', default: 'data/demo' },
    },
  });
  const dir = resolve(values.dir!);
  mkdirSync(dir, { recursive: true });
  const mqttPort = Number(values['mqtt-port']);

  const broker = await Aedes.createBroker();
  const brokerServer = createServer(broker.handle);
  await new Promise<void>((ok, fail) => {
    brokerServer.once('error', fail);
    brokerServer.listen(mqttPort, '127.0.0.1', ok);
  });

  const serial = hasTool('socat');
  const sims = await startSchoolSims(dir, serial);
  const site = {
    school: { id: 'demo-school', name: '演示中学 Demo Middle School', district: 'demo-district' },
    gateway: { id: 'gw-01' },
    data_dir: '.',
    // A demo is tried without a phone at hand: no second factor for its admin (a real site has one).
    console: { listen: '127.0.0.1', port: Number(values.port), security: { two_factor_roles: [] } },
    // The demo's embedded broker is on loopback without TLS, and nobody signs its commands.
    uplink: { url: `mqtt://127.0.0.1:${mqttPort}`, allow_plaintext: true, allow_unsigned_commands: true },
    rooms: [
      { id: '101', name: '初一(1)班', name_en: 'Class 7-1' },
      { id: '102', name: '初一(2)班', name_en: 'Class 7-2' },
      { id: 'lab', name: '化学实验室', name_en: 'Chemistry lab' },
      { id: 'canteen', name: '食堂', name_en: 'Canteen' },
    ],
    buses: [
      ...(serial ? [{ id: 'rs485-1', type: 'modbus-rtu', port: sims.serialPath, baud_rate: 4800 }] : []),
      { id: 'lan-gw', type: 'modbus-tcp', host: '127.0.0.1', port: sims.tcpPort },
      ...(sims.readers ? [{ id: 'osdp-1', type: 'osdp', port: sims.readers.osdpPath }] : []),
    ],
    devices: sims.sensors.map((s) => ({
      id: s.id,
      bus: s.bus,
      address: s.unit,
      profile: s.profile,
      room: s.room,
      poll_interval_s: 2,
    })),
    // The perimeter: detectors on a digital-input module, a siren on a relay, and a rule tying them.
    io_modules: [{ id: 'io-east', name: '东侧输入模块 East inputs', bus: 'lan-gw', address: IO_UNIT }],
    zones: [
      {
        id: 'wall-east',
        name: '东围墙 East wall',
        place: '围墙',
        input: { module: 'io-east', input: 0 },
        tamper: { module: 'io-east', input: 1 },
        armed: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '19:00', to: '06:30' }],
      },
      {
        id: 'store',
        name: '器材室 Store room',
        input: { module: 'io-east', input: 2 },
        entry_delay_s: 30,
        exit_delay_s: 30,
      },
    ],
    outputs: [
      { id: 'siren-east', name: '东侧警号 East siren', kind: 'siren', bus: 'lan-gw', address: RELAY_UNIT, coil: 0 },
    ],
    linkage: {
      rules: [
        {
          id: 'perimeter',
          name: '周界入侵 Perimeter intrusion',
          when: { kind: ['zone.intrusion'] },
          steps: [{ do: 'popup' }, { do: 'output', output: 'siren-east', seconds: 30 }, { do: 'notify.district' }],
        },
      ],
    },
    access: {
      gates: [{ id: 'south', name: '南门 South gate', bus: 'lan-gw', address: TURNSTILE_UNIT }],
      readers: sims.readers
        ? [
            { id: 'south-in', type: 'wiegand-serial', port: sims.readers.wiegandPath, gate: 'south', direction: 'in' },
            { id: 'south-out', type: 'osdp', bus: 'osdp-1', address: 1, gate: 'south', direction: 'out' },
          ]
        : [],
    },
  };
  // A gate camera: ONVIF over HTTP/SOAP and a live RTSP stream from ffmpeg, when ffmpeg is installed.
  const camera = hasTool('ffmpeg') ? await startDemoCamera(dir) : null;
  if (camera) {
    writeFileSync(resolve(dir, 'camera.pw'), `${camera.sim.password}\n`, { mode: 0o600 });
    Object.assign(site, {
      video: {
        cameras: [
          {
            id: 'cam-south',
            name: '南门摄像机 South gate camera',
            location: '南门',
            host: '127.0.0.1',
            port: camera.sim.port,
            username: camera.sim.username,
            password_file: 'camera.pw',
            arming: { intrusion: { disarmed: [{ days: [1, 2, 3, 4, 5], from: '06:30', to: '18:30' }] } },
          },
        ],
      },
    });
  }
  // A provincial platform the gateway registers to over GB/T 28181, with the gate and the camera as its channels.
  const platform = new GbPlatformSim('34020000002000000001', '3402000000');
  const platformPort = await platform.start();
  writeFileSync(resolve(dir, 'gb-province.pw'), 'demo-province-secret\n', { mode: 0o600 });
  Object.assign(site, {
    gb28181: {
      device_id: '34020000002090000001',
      name: '演示中学校园网关',
      local_port: await freePort(),
      local_address: '127.0.0.1',
      platforms: [
        {
          id: 'province',
          server_id: '34020000002000000001',
          domain: '3402000000',
          host: '127.0.0.1',
          port: platformPort,
          password_file: 'gb-province.pw',
          channels: { south: '34020000001340000001', ...(camera ? { 'cam-south': '34020000001320000001' } : {}) },
        },
      ],
    },
  });
  const siteFile = resolve(dir, 'site.yaml');
  writeFileSync(siteFile, `# Written by campus-edge demo; regenerated at every start.\n${stringify(site)}`);

  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const controller = new Controller(loadSite(siteFile), log);
  let password: string | null = null;
  if (controller.users.count() === 0) {
    password = generatePassword();
    await controller.users.add('admin', 'admin', password);
    writeFileSync(resolve(dir, 'admin-password.txt'), `${password}\n`, { mode: 0o600 });
  }
  await controller.start();
  if (controller.allowlist.version === 0) {
    await controller.commands.execute(
      { name: 'cardholders.sync', args: schoolCardholders() },
      { kind: 'system', name: 'demo' },
    );
  }
  const arrivals = sims.readers ? simulateArrivals(sims.readers, sims.turnstile) : null;
  console.log(`
campus-edge demo — a simulated school is running
  console:   http://127.0.0.1:${values.port}/   user admin, password ${password ?? `(as before, in ${resolve(dir, 'admin-password.txt')})`}
  broker:    mqtt://127.0.0.1:${mqttPort}   watch it: mosquitto_sub -p ${mqttPort} -t 'campus/#' -v
  sensors:   ${sims.sensors.length} (${serial ? '2 on RS-485 over a socat pty pair, the rest ' : 'socat not found: all '}on a Modbus TCP gateway)
  camera:    ${camera ? 'the south gate (ONVIF, live view; motion every 2 minutes)' : 'none (ffmpeg not found)'}
  zones:     the east wall (armed 19:00–06:30) and the store room, on a Modbus input module; a siren on a relay
  access:    the south gate's turnstile${serial ? ', a Wiegand entry reader and an OSDP exit reader; someone passes every 15 s' : ' (readers need socat)'}
  platform:  a provincial GB/T 28181 platform on udp 127.0.0.1:${platformPort} (the uplink page shows the link)
  site file: ${siteFile}
Ctrl-C to stop.`);
  await untilSignal();
  if (arrivals) clearInterval(arrivals);
  await camera?.stop();
  await controller.stop();
  platform.stop();
  await sims.stop();
  await new Promise<void>((r) => broker.close(() => r()));
  brokerServer.close();
  return 0;
}

/** Students and staff come and go; now and then an unregistered card is tried. */
function simulateArrivals(
  readers: { entry: WiegandConverterSim; exit: OsdpReaderSim },
  turnstile: TurnstileSim,
): NodeJS.Timeout {
  const cards = schoolCardholders().cardholders.map((c) => Number(c.card));
  let n = 0;
  turnstile.autoPass = true;
  return setInterval(() => {
    n++;
    const card = n % 7 === 0 ? 0x0c0000 + 99 : cards[n % cards.length]!;
    if (n % 2) readers.entry.swipe(card);
    else readers.exit.present(card);
  }, 15_000);
}

/** The demo's camera: its stream, its ONVIF services, and a motion event every two minutes. */
async function startDemoCamera(dir: string) {
  const rtsp = new RtspTestStream(dir, '1280x720');
  await rtsp.start();
  const sim = new OnvifCameraSim('admin', randomBytes(9).toString('base64url'), 'DEMO-CAM-01');
  sim.rtspUrl = rtsp.url;
  await sim.start();
  const motion = setInterval(() => {
    sim.emit('RuleEngine/CellMotionDetector/Motion', { IsMotion: 'true' }, { Rule: 'Motion' });
    setTimeout(
      () => sim.emit('RuleEngine/CellMotionDetector/Motion', { IsMotion: 'false' }, { Rule: 'Motion' }),
      10_000,
    );
  }, 120_000);
  return {
    sim,
    async stop() {
      clearInterval(motion);
      await sim.stop();
      await rtsp.stop();
    },
  };
}
