import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LoadedSite, ModbusBusConfig } from '../controller/config/types.ts';
import { OnvifCameraDriver, type CameraHooks } from './video/onvif-camera-driver.ts';
import type { GateInputs } from '../controller/core/access/gate-logic.ts';
import type { Logger } from '../controller/core/logger.ts';
import type { CardRead } from './access/card-reader.ts';
import { GateDriver, type GateIo } from './access/gate-driver.ts';
import type { OsdpKeyStore } from './access/osdp/key-store.ts';
import { OsdpBusDriver } from './access/osdp/osdp-bus-driver.ts';
import { WiegandReaderDriver } from './access/wiegand-reader-driver.ts';
import type { Driver } from './contract.ts';
import { EnvSensorDriver } from './modbus/env-sensor-driver.ts';
import { ModbusLink } from './modbus/modbus-link.ts';

export interface AccessHooks {
  onCard(read: CardRead): void;
  onGateInputs(gateId: string, inputs: GateInputs): void;
}

export interface SiteDrivers {
  cameras: OnvifCameraDriver[];
  /** The shared link of a Modbus bus, for devices driven by the core (PA zone relays). */
  modbus(busId: string): ModbusLink | undefined;
  drivers: Driver[];
  gates: GateIo;
  feedback(readerId: string, granted: boolean): void;
  /** The installer's OSDP key-set flow for one reader. */
  keyset(readerId: string): Promise<void>;
}

/**
 * Builds the drivers a site needs. Each Modbus bus gets one link, shared by
 * the sensors and the relay boards on it, so one transaction at a time holds
 * across device classes.
 */
export function createDrivers(
  site: LoadedSite,
  log: Logger,
  keys: OsdpKeyStore,
  access: AccessHooks,
  video: CameraHooks,
): SiteDrivers {
  const drivers: Driver[] = [];
  const gateDrivers: GateDriver[] = [];
  const osdpDrivers: OsdpBusDriver[] = [];
  const links = new Map<string, ModbusLink>();
  const { config } = site;
  for (const bus of config.buses) {
    if (bus.type === 'osdp') {
      const readers = config.access.readers.filter(
        (r): r is Extract<typeof r, { type: 'osdp' }> => r.type === 'osdp' && r.bus === bus.id,
      );
      if (!readers.length) continue;
      const d = new OsdpBusDriver(bus, readers, keys, access.onCard);
      osdpDrivers.push(d);
      drivers.push(d);
      continue;
    }
    const link = new ModbusLink(bus as ModbusBusConfig, log);
    links.set(bus.id, link);
    const sensors = config.devices
      .filter((d) => d.bus === bus.id)
      .map((c) => ({ config: c, profile: site.profiles.get(c.profile)! }))
      .filter((d) => d.profile.kind === 'env-sensor');
    if (sensors.length) drivers.push(new EnvSensorDriver(link, sensors));
    const gates = config.access.gates.filter((g) => g.bus === bus.id);
    if (gates.length) {
      const g = new GateDriver(link, gates, access.onGateInputs);
      gateDrivers.push(g);
      drivers.push(g);
    }
  }
  for (const r of config.access.readers) {
    if (r.type === 'wiegand-serial') drivers.push(new WiegandReaderDriver(r, access.onCard));
  }
  const cameras = config.video.cameras.map(
    (c) => new OnvifCameraDriver(c, readFileSync(resolve(dirname(site.file), c.password_file), 'utf8').trim(), video),
  );
  drivers.push(...cameras);
  const gateOf = (id: string) => gateDrivers.find((d) => d.owns(id));
  return {
    drivers,
    cameras,
    modbus: (id) => links.get(id),
    gates: {
      pulse: (id, direction) => gateOf(id)?.pulse(id, direction),
      hold: async (id, open) => {
        await gateOf(id)?.hold(id, open);
      },
    },
    feedback: (readerId, granted) => {
      const reader = config.access.readers.find((r) => r.id === readerId);
      const gate = config.access.gates.find((g) => g.id === reader?.gate);
      osdpDrivers.find((d) => d.owns(readerId))?.feedback(readerId, granted, (gate?.grant_window_s ?? 0) * 1000);
    },
    keyset: (readerId) => {
      const d = osdpDrivers.find((x) => x.owns(readerId));
      return d ? d.keyset(readerId) : Promise.reject(new Error(`no OSDP reader "${readerId}"`));
    },
  };
}
