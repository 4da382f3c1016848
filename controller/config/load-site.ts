import { gb28181Issues } from '../features/gb28181/config-checks.ts';
import { emergencyButtonIssues } from '../features/scenarios/config-checks.ts';
import { linkageIssues } from '../features/linkage/config-checks.ts';
import { intrusionIssues } from '../features/intrusion/config-checks.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { appPath } from '../app-files.ts';
import { validateSchedules } from '../features/pa/bell-schedule.ts';
import { loadDistrictKey } from '../core/district-key.ts';
import { schemaIssues, validateProfile, validateSite } from './schema-check.ts';
import { profileProblems } from '../../drivers/modbus/profile-rules.ts';
import type { BusConfig, DeviceProfile, LoadedSite, SiteConfig } from './types.ts';
import { ConfigError, type ConfigIssue, formatPath, YamlSource } from './yaml-source.ts';

export const shippedProfilesDir = appPath('firmware-configs/profiles');

/**
 * Reads and checks a site file and every profile it names. Returns all
 * issues at once, each with file:line and the field path; never a partial site.
 */
export function checkSite(file: string): { site?: LoadedSite; issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const path = resolve(file);
  const warnings: ConfigIssue[] = [];
  if (!existsSync(path))
    return { issues: [{ file: path, line: 0, column: 0, path: '', message: 'file not found' }], warnings };
  const source = new YamlSource(path);
  if (source.syntaxIssues.length) return { issues: source.syntaxIssues, warnings };
  const data = source.toJS();
  const issues = schemaIssues(source, validateSite, data);
  if (issues.length) return { issues, warnings };
  const config = data as SiteConfig;
  const base = dirname(path);
  const profilesDir = config.profiles_dir ? resolve(base, config.profiles_dir) : shippedProfilesDir;
  const profiles = new Map<string, DeviceProfile>();
  const at = (p: (string | number)[], message: string) =>
    issues.push({ file: path, ...source.locate(p), path: formatPath(p), message });
  const warn = (p: (string | number)[], message: string) =>
    warnings.push({ file: path, ...source.locate(p), path: formatPath(p), message });

  const unique = (list: { id: string }[], field: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) at([...field.split('.'), i, 'id'], `duplicate id "${item.id}"`);
      seen.add(item.id);
    });
  };
  unique(config.buses, 'buses');
  unique(config.devices, 'devices');
  unique(config.rooms, 'rooms');

  const busAddresses = new Map<string, Set<number>>();
  config.devices.forEach((d, i) => {
    const bus = config.buses.find((b) => b.id === d.bus);
    if (!bus)
      at(['devices', i, 'bus'], `no bus "${d.bus}"; defined: ${config.buses.map((b) => b.id).join(', ') || 'none'}`);
    else if (bus.type === 'osdp') at(['devices', i, 'bus'], `bus "${d.bus}" is OSDP; sensors need a Modbus bus`);
    const addrs = busAddresses.get(d.bus) ?? new Set();
    if (addrs.has(d.address)) at(['devices', i, 'address'], `address ${d.address} is already used on bus "${d.bus}"`);
    addrs.add(d.address);
    busAddresses.set(d.bus, addrs);
    if (d.room !== undefined && config.rooms.length && !config.rooms.some((r) => r.id === d.room)) {
      at(['devices', i, 'room'], `no room "${d.room}" in rooms`);
    }
    if (!profiles.has(d.profile)) {
      const profile = loadProfile(join(profilesDir, `${d.profile}.yaml`), issues);
      if (profile) profiles.set(d.profile, profile);
      else if (!existsSync(join(profilesDir, `${d.profile}.yaml`)))
        at(['devices', i, 'profile'], `no profile "${d.profile}" in ${profilesDir}`);
    }
    const profile = profiles.get(d.profile);
    const mismatch = bus && profile && serialMismatch(profile, bus);
    if (mismatch) warn(['devices', i, 'profile'], mismatch);
  });
  const busType = (id: string) => config.buses.find((b) => b.id === id)?.type;
  config.access.gates.forEach((g, i) => {
    const t = busType(g.bus);
    if (!t) at(['access', 'gates', i, 'bus'], `no bus "${g.bus}"`);
    else if (t === 'osdp') at(['access', 'gates', i, 'bus'], `bus "${g.bus}" is OSDP; relay boards need a Modbus bus`);
    const addrs = busAddresses.get(g.bus) ?? new Set();
    if (addrs.has(g.address))
      at(['access', 'gates', i, 'address'], `address ${g.address} is already used on bus "${g.bus}"`);
    addrs.add(g.address);
    busAddresses.set(g.bus, addrs);
  });
  const osdpAddrs = new Set<string>();
  config.access.readers.forEach((r, i) => {
    if (r.type !== 'osdp') return;
    if (osdpAddrs.has(`${r.bus}/${r.address}`))
      at(['access', 'readers', i, 'address'], `address ${r.address} is already used on bus "${r.bus}"`);
    osdpAddrs.add(`${r.bus}/${r.address}`);
  });
  unique(config.access.gates, 'access.gates');
  unique(config.access.readers, 'access.readers');
  config.access.readers.forEach((r, i) => {
    if (!config.access.gates.some((g) => g.id === r.gate))
      at(['access', 'readers', i, 'gate'], `no gate "${r.gate}" in access.gates`);
    if (r.type === 'osdp' && busType(r.bus) !== 'osdp') at(['access', 'readers', i, 'bus'], `no OSDP bus "${r.bus}"`);
  });
  unique(config.pa.zones, 'pa.zones');
  config.pa.zones.forEach((z, i) => {
    if (z.relay && (!busType(z.relay.bus) || busType(z.relay.bus) === 'osdp'))
      at(['pa', 'zones', i, 'relay', 'bus'], `no Modbus bus "${z.relay.bus}"`);
  });
  for (const problem of validateSchedules(
    config.pa.schedules,
    config.pa.zones.map((z) => z.id),
  )) {
    const i = config.pa.schedules.findIndex((s) => s.id === problem.schedule);
    at(
      problem.bell === null ? ['pa', 'schedules', i, 'id'] : ['pa', 'schedules', i, 'bells', problem.bell],
      problem.message,
    );
  }
  if (config.pa.active_schedule && !config.pa.schedules.some((s) => s.id === config.pa.active_schedule)) {
    at(['pa', 'active_schedule'], `no schedule "${config.pa.active_schedule}"`);
  }
  unique(config.video.cameras, 'video.cameras');
  const keyIssue = (path: (string | number)[], file: string) => {
    try {
      loadDistrictKey(readFileSync(file, 'utf8'));
    } catch (err) {
      at(path, `${file}: ${(err as Error).message}`);
    }
  };
  // Files the site names: each must exist, and a secret must be readable by its owner alone.
  const named = (at_: (string | number)[], name: string | undefined, kind: 'public' | 'secret'): string | null => {
    if (!name) return null;
    const full = resolve(base, name);
    if (!existsSync(full)) {
      at(at_, `file not found: ${full}`);
      return null;
    }
    const mode = statSync(full).mode & 0o777;
    if (kind === 'secret' && (mode & 0o077) !== 0)
      at(at_, `${full} is a secret but its mode is ${mode.toString(8)}: chmod 600 it`);
    return full;
  };
  for (const [i, cam] of config.video.cameras.entries())
    named(['video', 'cameras', i, 'password_file'], cam.password_file, 'secret');
  const tls = config.uplink.tls;
  named(['uplink', 'tls', 'ca'], tls?.ca, 'public');
  named(['uplink', 'tls', 'cert'], tls?.cert, 'public');
  named(['uplink', 'tls', 'key'], tls?.key, 'secret');
  if (tls && Boolean(tls.cert) !== Boolean(tls.key))
    at(['uplink', 'tls'], 'a client certificate needs both "cert" and "key"');
  named(['uplink', 'password_file'], config.uplink.password_file, 'secret');
  named(['alarm_centre', 'password_file'], config.alarm_centre?.password_file, 'secret');
  if (config.alarm_centre?.password_file && !config.alarm_centre.username)
    at(['alarm_centre', 'username'], 'a password_file needs the username it goes with');
  const syslog = config.audit.syslog;
  named(['audit', 'syslog', 'ca'], syslog?.ca, 'public');
  named(['audit', 'syslog', 'cert'], syslog?.cert, 'public');
  named(['audit', 'syslog', 'key'], syslog?.key, 'secret');
  named(['console', 'tls', 'cert'], config.console.tls?.cert, 'public');
  named(['console', 'tls', 'key'], config.console.tls?.key, 'secret');
  named(['console', 'tls', 'client_ca'], config.console.tls?.client_ca, 'public');
  const up = config.uplink;
  if (/^(mqtt|ws):\/\//.test(up.url) && !up.allow_plaintext) {
    at(
      ['uplink', 'url'],
      'the district link must use TLS (mqtts:// or wss://); allow_plaintext: true is for a lab only',
    );
  }
  const commandKey = named(['uplink', 'command_key'], up.command_key, 'public');
  if (commandKey) keyIssue(['uplink', 'command_key'], commandKey);
  else if (!up.command_key && !up.allow_unsigned_commands) {
    at(
      ['uplink'],
      "downlink commands must be signed: set command_key to the district's ed25519 or SM2 public key (allow_unsigned_commands: true is for a lab only)",
    );
  }
  const nextKey = named(['uplink', 'command_key_next'], up.command_key_next, 'public');
  if (nextKey) keyIssue(['uplink', 'command_key_next'], nextKey);
  if (up.command_key_next && !up.command_key)
    at(['uplink', 'command_key_next'], 'a next key rolls over from a command_key: set that first');
  const { listen } = config.console;
  if (!['127.0.0.1', '::1', 'localhost'].includes(listen) && !config.console.tls && !config.console.allow_plaintext) {
    at(
      ['console', 'listen'],
      `the console listens on ${listen} beyond this machine: give it a certificate (console.tls); allow_plaintext: true is for a lab only`,
    );
  }
  gb28181Issues(config, at, (p, file) => named(p, file, 'secret'));
  emergencyButtonIssues(config, at, warn);
  linkageIssues(config, at, warn);
  intrusionIssues(config, at);
  const updateKey = named(['update', 'public_key'], config.update.public_key, 'public');
  if (updateKey) keyIssue(['update', 'public_key'], updateKey);
  if (issues.length) return { issues, warnings };
  return {
    site: { file: path, config, profiles, dataDir: resolve(base, config.data_dir), warnings },
    issues: [],
    warnings,
  };
}

export function loadProfile(file: string, issues: ConfigIssue[]): DeviceProfile | undefined {
  if (!existsSync(file)) return undefined;
  const source = new YamlSource(file);
  if (source.syntaxIssues.length) {
    issues.push(...source.syntaxIssues);
    return undefined;
  }
  const data = source.toJS();
  const found = schemaIssues(source, validateProfile, data);
  if (!found.length) {
    for (const problem of profileProblems(data as DeviceProfile))
      found.push({ file, ...source.locate(problem.path), path: formatPath(problem.path), message: problem.message });
  }
  issues.push(...found);
  return found.length ? undefined : (data as DeviceProfile);
}

const lineName = (s: { baud_rate?: number; data_bits?: number; parity?: string; stop_bits?: number }) =>
  `${s.baud_rate ?? '?'} ${s.data_bits ?? '?'}${(s.parity ?? '?')[0]!.toUpperCase()}${s.stop_bits ?? '?'}`;

/**
 * A sensor set to other serial settings than its bus does not answer at all. Only a warning: sensors
 * can be re-set from their factory values, which the profile gives. A serial server (RTU over TCP)
 * keeps its line settings to itself, so only local ports are compared.
 */
function serialMismatch(profile: DeviceProfile, bus: BusConfig): string | null {
  if (!profile.serial || (bus.type !== 'modbus-rtu' && bus.type !== 'modbus-ascii')) return null;
  const keys = ['baud_rate', 'data_bits', 'parity', 'stop_bits'] as const;
  const differ = keys.filter((k) => profile.serial![k] !== undefined && profile.serial![k] !== bus[k]);
  if (!differ.length) return null;
  return `${profile.model} leaves the factory at ${lineName({ ...bus, ...profile.serial })}, bus "${bus.id}" runs ${lineName(bus)} (${differ.join(', ')} differ): it will not answer unless it was re-set`;
}

/** Loads a site or throws a ConfigError listing every issue. */
export function loadSite(file: string): LoadedSite {
  const { site, issues } = checkSite(file);
  if (!site) throw new ConfigError(issues);
  return site;
}

/** Resolves a path written in the site file relative to that file. */
export const sitePath = (site: LoadedSite, p: string) => resolve(dirname(site.file), p);
