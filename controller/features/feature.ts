import type { FeatureRoutes } from '../api/deps.ts';
import type { LoadedSite } from '../config/types.ts';
import type { AlarmManager } from '../core/alarms.ts';
import type { CommandBus } from '../core/commands.ts';
import type { DeviceDirectory } from '../core/device-directory.ts';
import type { InboundBus } from '../core/inbound-bus.ts';
import type { Logger } from '../core/logger.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { Allowlist } from './access/allowlist.ts';
import type { Db } from '../store/database.ts';
import type { ReadingsIndex } from '../store/readings.ts';
import type { ModbusLinks } from '../../drivers/modbus/modbus-links.ts';
import type { Driver } from '../../drivers/contract.ts';

/** What every feature is wired from: the site, the store, the shared core and the site's buses. */
export interface FeatureContext {
  site: LoadedSite;
  log: Logger;
  db: Db;
  pipeline: Pipeline;
  alarms: AlarmManager;
  commands: CommandBus;
  allowlist: Allowlist;
  /** What each device can do, whichever driver serves it; filled once every feature is wired. */
  devices: DeviceDirectory;
  /** Messages from the drivers, by channel. */
  inbound: InboundBus;
  /** One link per Modbus bus, shared by every feature with devices on it. */
  modbus: ModbusLinks;
  /** Committed readings by device and point. */
  readings: ReadingsIndex;
  /** A file the site file names, resolved beside it. */
  sitePath(file: string): string;
}

/**
 * One capability of the product (access, video, PA, …). Its wire() registers
 * its commands on the bus and returns what the controller runs for it.
 */
export interface Feature {
  readonly name: string;
  /** The drivers for this feature's devices. */
  drivers?: Driver[];
  /** Its part of the console API. */
  routes?: FeatureRoutes;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  /** What the status command and the console show for it. */
  status?(): Record<string, unknown>;
}
