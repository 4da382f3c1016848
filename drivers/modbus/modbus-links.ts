import type { BusConfig, ModbusBusConfig } from '../../controller/config/types.ts';
import type { Logger } from '../../controller/core/logger.ts';
import { ModbusLink } from './modbus-link.ts';

/**
 * One link per Modbus bus, shared by the sensors, relay boards and PA relays
 * on it, so one transaction at a time holds across device kinds.
 */
export class ModbusLinks {
  private readonly links = new Map<string, ModbusLink>();

  constructor(buses: BusConfig[], log: Logger) {
    for (const bus of buses) {
      if (bus.type !== 'osdp') this.links.set(bus.id, new ModbusLink(bus as ModbusBusConfig, log));
    }
  }

  get(busId: string): ModbusLink | undefined {
    return this.links.get(busId);
  }
}
