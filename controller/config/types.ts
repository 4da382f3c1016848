/**
 * The site file's types after validation and defaults (snake_case as written
 * in YAML), derived from the schema in site-schema.ts: one definition, so the
 * types and the file's rules cannot drift apart.
 */
import type { Static } from '@sinclair/typebox';
import type { ProfileSchema, SiteSchema } from './site-schema.ts';
import type { ConfigIssue } from './yaml-source.ts';

export type SiteConfig = Static<typeof SiteSchema>;
export type SecurityPolicy = SiteConfig['console']['security'];
/** How the gateway reaches the district's broker, and which commands it takes from it. */
export type UplinkConfig = SiteConfig['uplink'];
export type UplinkConnection = Omit<
  UplinkConfig,
  'command_key' | 'command_key_next' | 'command_max_age_s' | 'allow_unsigned_commands'
>;
export type BusConfig = SiteConfig['buses'][number];
export type ModbusBusConfig = Exclude<BusConfig, { type: 'osdp' }>;
export type DeviceConfig = SiteConfig['devices'][number];
export type AccessConfig = SiteConfig['access'];
export type ReaderConfig = AccessConfig['readers'][number];
export type GateConfig = AccessConfig['gates'][number];
export type CameraConfig = SiteConfig['video']['cameras'][number];
/** A PA zone: its RTP stream address, and the relay of its amplifier where it has one. */
export type PaZone = SiteConfig['pa']['zones'][number];
export type BoardConfig = SiteConfig['boards'][number];
export type UpdateConfig = SiteConfig['update'];
export type Gb28181Config = NonNullable<SiteConfig['gb28181']>;
export type Gb28181Platform = Gb28181Config['platforms'][number];

export type DeviceProfile = Static<typeof ProfileSchema>;
export type PointProfile = DeviceProfile['points'][number];

/** A validated site with its resolved paths and loaded profiles. */
export interface LoadedSite {
  file: string;
  config: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  dataDir: string;
  /** What may be wrong but need not be (a sensor's factory serial settings against its bus), with file:line. */
  warnings: ConfigIssue[];
}
