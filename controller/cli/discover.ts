import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import { scanAddresses, parseAddressList, type ScanHit } from '../../drivers/modbus/address-scan.ts';
import { ModbusLink } from '../../drivers/modbus/modbus-link.ts';
import { listSerialPorts } from '../../drivers/serial-ports.ts';
import { type DiscoveredCamera, discoverCameras } from '../../drivers/video/discovery.ts';
import { loadProfile, shippedProfilesDir } from '../config/load-site.ts';
import type { DeviceProfile, ModbusBusConfig } from '../config/types.ts';
import { ConfigError, type ConfigIssue } from '../config/yaml-source.ts';
import { createLogger } from '../core/logger.ts';
import { UsageError } from './usage-error.ts';

export const discoverUsage = `campus-edge discover [--modbus PORT]... [--serial 4800-8N1]... [--addresses 1-32]
                     [--timeout-ms 200] [--onvif-timeout 3] [--out draft-site.yaml] [--force]
  Lists serial ports, probes for ONVIF cameras, scans Modbus RTU ports for units and the
  device profiles that fit them, and writes a draft site file to review.`;

interface SerialSetting {
  baud_rate: number;
  data_bits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stop_bits: 1 | 2;
}

const parities = { N: 'none', E: 'even', O: 'odd' } as const;
const settingName = (s: SerialSetting) => `${s.baud_rate}-${s.data_bits}${s.parity[0]!.toUpperCase()}${s.stop_bits}`;

/** "4800-8N1" → 4800 baud, 8 data bits, no parity, 1 stop bit. */
export function parseSerialSetting(spec: string): SerialSetting {
  const m = /^(\d{3,6})-([78])([NEO])([12])$/i.exec(spec);
  if (!m) throw new UsageError(`--serial ${spec}: expected BAUD-DATAPARITYSTOP, like 4800-8N1 or 9600-8E1`);
  return {
    baud_rate: Number(m[1]),
    data_bits: Number(m[2]) as 7 | 8,
    parity: parities[m[3]!.toUpperCase() as 'N'],
    stop_bits: Number(m[4]) as 1 | 2,
  };
}

function shippedProfiles(): Map<string, DeviceProfile> {
  const issues: ConfigIssue[] = [];
  const profiles = new Map<string, DeviceProfile>();
  for (const f of readdirSync(shippedProfilesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const p = loadProfile(join(shippedProfilesDir, f), issues);
    if (p) profiles.set(f.slice(0, -'.yaml'.length), p);
  }
  if (issues.length) throw new ConfigError(issues);
  return profiles;
}

/** Without --serial, every setting a shipped profile names, most common first. */
function defaultSettings(profiles: Map<string, DeviceProfile>): SerialSetting[] {
  const seen = new Map<string, SerialSetting>();
  for (const p of profiles.values()) {
    const s: SerialSetting = {
      baud_rate: p.serial?.baud_rate ?? 9600,
      data_bits: (p.serial?.data_bits ?? 8) as 7 | 8,
      parity: (p.serial?.parity ?? 'none') as SerialSetting['parity'],
      stop_bits: (p.serial?.stop_bits ?? 1) as 1 | 2,
    };
    seen.set(settingName(s), s);
  }
  return [...seen.values()];
}

interface PortScan {
  port: string;
  setting: SerialSetting;
  hits: ScanHit[];
}

async function scanPort(
  port: string,
  setting: SerialSetting,
  addresses: number[],
  timeoutMs: number,
  profiles: Map<string, DeviceProfile>,
): Promise<PortScan> {
  // Discovery probes any rate the installer names, not only those a site file may list.
  const bus = { id: 'scan', type: 'modbus-rtu', port, timeout_ms: timeoutMs, ...setting } as ModbusBusConfig;
  const link = new ModbusLink(bus, createLogger('silent'));
  try {
    return {
      port,
      setting,
      hits: await scanAddresses(link.read.bind(link), addresses, profiles, setting),
    };
  } finally {
    await link.close();
  }
}

const describeReadings = (m: ScanHit['matches'][number]) =>
  m.readings.map((r) => `${r.point} ${r.value}${r.unit ? ` ${r.unit}` : ''}`).join(', ');

const unconfirmedNote = (h: ScanHit) =>
  h.unconfirmed.length ? `every register read 0, which proves nothing: ${h.unconfirmed.join(', ')} would fit` : '';

function describeHit(h: ScanHit): string {
  const found = h.matches.map((m) => `${m.profile} (${describeReadings(m)})`).join(' | ');
  return [found, unconfirmedNote(h)].filter(Boolean).join('; ') || 'answers, no profile fits';
}

/** A site file to start from: what was found, with placeholders the installer must replace. */
export function draftSite(scans: PortScan[], cameras: DiscoveredCamera[], when: Date): Document {
  const buses: object[] = [];
  const devices: object[] = [];
  const deviceNotes: string[] = [];
  scans.forEach((scan, i) => {
    const busId = `rs485-${i + 1}`;
    buses.push({ id: busId, type: 'modbus-rtu', port: scan.port, ...scan.setting, timeout_ms: 500 });
    for (const hit of scan.hits) {
      const best = hit.matches[0];
      devices.push({
        id: `${busId}-${hit.address}`,
        bus: busId,
        address: hit.address,
        profile: best?.profile ?? 'unknown',
        poll_interval_s: 30,
      });
      deviceNotes.push(
        best
          ? ` read ${describeReadings(best)}${
              hit.matches.length > 1
                ? `; also fits ${hit.matches
                    .slice(1)
                    .map((m) => m.profile)
                    .join(', ')}`
                : ''
            }`
          : hit.unconfirmed.length
            ? ` ${unconfirmedNote(hit)}; check the model on its label`
            : ' answers, but no shipped profile fits: write one in firmware-configs/profiles',
      );
    }
  });
  const cams = cameras.map((c, i) => {
    const u = new URL(c.xaddrs[0]!);
    return {
      id: `cam-${i + 1}`,
      name: c.name ?? `camera ${i + 1}`,
      ...(c.location ? { location: c.location } : {}),
      host: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: u.pathname,
      username: 'admin',
      password_file: `secrets/cam-${i + 1}.password`,
    };
  });
  const doc = new Document({
    school: { id: 'school-id', name: '学校名称', district: 'district-id' },
    gateway: { id: 'gw-01' },
    data_dir: '/var/lib/campus-edge/data',
    uplink: { url: 'mqtts://district-broker.example:8883', command_key: 'certs/district-commands.pem' },
    buses,
    devices,
    ...(cams.length ? { video: { cameras: cams } } : {}),
  });
  doc.commentBefore = ` Draft from campus-edge discover, ${when.toISOString()}.
 Replace the school, gateway and uplink placeholders, put the district's command key in
 certs/, give each device a room, write each camera's password file (mode 0600), then run:
 campus-edge config check THIS-FILE`;
  const devSeq = doc.get('devices');
  if (isSeq(devSeq))
    devSeq.items.forEach((node, i) => {
      (node as YAMLMap).comment = deviceNotes[i];
    });
  const camSeq = doc.getIn(['video', 'cameras']);
  if (isSeq(camSeq))
    camSeq.items.forEach((node, i) => {
      if (isMap(node)) node.comment = ` ${cameras[i]!.hardware ?? 'ONVIF device'} ${cameras[i]!.urn}`;
    });
  return doc;
}

export async function discover(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      modbus: { type: 'string', multiple: true },
      serial: { type: 'string', multiple: true },
      addresses: { type: 'string', default: '1-32' },
      'timeout-ms': { type: 'string', default: '200' },
      'onvif-timeout': { type: 'string', default: '3' },
      out: { type: 'string', default: 'draft-site.yaml' },
      force: { type: 'boolean', default: false },
    },
  });
  if (existsSync(values.out) && !values.force)
    throw new UsageError(`${values.out} exists; choose another --out or add --force`);
  const addresses = parseAddressList(values.addresses);
  const timeoutMs = Number(values['timeout-ms']);
  const onvifS = Number(values['onvif-timeout']);
  if (!(timeoutMs >= 20 && timeoutMs <= 10_000)) throw new UsageError('--timeout-ms must be 20..10000');
  if (!(onvifS >= 0 && onvifS <= 60)) throw new UsageError('--onvif-timeout must be 0..60 seconds (0 skips the probe)');
  const profiles = shippedProfiles();
  const settings = values.serial?.map(parseSerialSetting) ?? defaultSettings(profiles);

  const { ports, source } = await listSerialPorts();
  console.log(
    `Serial ports${source === 'sysfs' ? ' (from /sys/class/tty: udev is not available, so no vendor details)' : ''}:`,
  );
  for (const p of ports) console.log(`  ${p.path}  ${p.details}`);
  if (!ports.length) console.log('  none');

  let cameras: DiscoveredCamera[] = [];
  if (onvifS > 0) {
    console.log(`ONVIF cameras (WS-Discovery, ${onvifS} s):`);
    cameras = await discoverCameras(onvifS * 1000).catch((err: Error) => {
      console.log(`  probe failed: ${err.message}`);
      return [];
    });
    for (const c of cameras) console.log(`  ${c.name ?? '(no name)'}  ${c.xaddrs.join(' ')}  ${c.hardware ?? ''}`);
    if (!cameras.length) console.log('  none answered');
  }

  const scans: PortScan[] = [];
  for (const port of values.modbus ?? []) {
    let best: PortScan | null = null;
    for (const setting of settings) {
      console.log(`Modbus ${port} at ${settingName(setting)}, units ${values.addresses}:`);
      const scan = await scanPort(port, setting, addresses, timeoutMs, profiles);
      for (const h of scan.hits) console.log(`  unit ${h.address}: ${describeHit(h)}`);
      if (!scan.hits.length) console.log('  no units');
      if (scan.hits.length > (best?.hits.length ?? 0)) best = scan;
    }
    if (best) scans.push(best);
  }

  writeFileSync(values.out, draftSite(scans, cameras, new Date()).toString({ lineWidth: 0 }));
  const units = scans.reduce((n, s) => n + s.hits.length, 0);
  console.log(
    `Wrote ${values.out}: ${units} Modbus unit(s) on ${scans.length} bus(es), ${cameras.length} camera(s). Review it before use.`,
  );
  return 0;
}
