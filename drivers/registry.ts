import type { LoadedSite } from '../controller/config/types.ts';
import type { Logger } from '../controller/core/logger.ts';
import type { Driver } from './contract.ts';
import { EnvSensorDriver } from './modbus/env-sensor-driver.ts';
import { ModbusLink } from './modbus/modbus-link.ts';

/** Builds the drivers a site needs: one Modbus link per bus, shared by its devices. */
export function createDrivers(site: LoadedSite, log: Logger): Driver[] {
  const drivers: Driver[] = [];
  for (const bus of site.config.buses) {
    const devices = site.config.devices
      .filter((d) => d.bus === bus.id)
      .map((config) => ({ config, profile: site.profiles.get(config.profile)! }))
      .filter((d) => d.profile.kind === 'env-sensor');
    if (devices.length) drivers.push(new EnvSensorDriver(new ModbusLink(bus, log), devices));
  }
  return drivers;
}
