import type { BellSchedule } from '../features/pa/bell-schedule.ts';
import type { ArmingConfig } from '../features/video/arming.ts';

/** A PA zone: its RTP stream address, and the relay of its amplifier where it has one. */
export interface PaZone {
  id: string;
  name: string;
  address: string;
  relay?: { bus: string; address: number; coil: number };
}

/** The site file after validation and defaults (snake_case as written in YAML). */
export interface SiteConfig {
  school: { id: string; name: string; district: string; timezone: string };
  gateway: { id: string };
  data_dir: string;
  profiles_dir?: string;
  console: {
    listen: string;
    port: number;
    hosts: string[];
    session_hours: number;
    tls?: { cert: string; key: string; client_ca?: string };
    allow_plaintext?: boolean;
    security: SecurityPolicy;
  };
  uplink: UplinkConfig;
  /** Where the audit trail also goes, besides the district: a syslog receiver over TLS (RFC 5425). */
  audit: { syslog?: { host: string; port: number; ca: string; cert?: string; key?: string; servername?: string } };
  storage: {
    disk_budget_mb: number;
    retention_days: { alarms_and_access: number; events: number; telemetry: number };
    downsample_after_hours: number;
    downsample_bucket_minutes: number;
    /** Names, cards and who a record is about, sealed at rest with a key in data_dir/personal.key. */
    encrypt_personal_data: boolean;
    personal_cipher: 'aes-256-gcm' | 'sm4';
    /** A cardholder whose validity ended this many days ago is erased; 0: never. */
    purge_expired_after_days: number;
  };
  environment: { summer_months: number[]; limits: { point: string; min?: number; max?: number; hysteresis: number }[] };
  rooms: { id: string; name: string; name_en?: string }[];
  buses: BusConfig[];
  devices: DeviceConfig[];
  access: AccessConfig;
  video: { snapshot_budget_mb: number; cameras: CameraConfig[] };
  pa: { zones: PaZone[]; sounds_dir?: string; active_schedule?: string; schedules: BellSchedule[] };
  boards: BoardConfig[];
  emergency_buttons: { id: string; name: string; camera: string; input: string }[];
  clock: { ntp_check: boolean };
  update: UpdateConfig;
}

export interface UpdateConfig {
  public_key?: string;
  confirm_after_s: number;
  rollback_after_min: number;
  max_starts: number;
  max_size_mb: number;
}

export interface BoardConfig {
  id: string;
  name: string;
  class: string;
  room?: string;
  assembly_point?: string;
  timetable: { days: number[]; from: string; to: string; subject: string }[];
}

export interface CameraConfig {
  id: string;
  name?: string;
  location?: string;
  host: string;
  port: number;
  path: string;
  username: string;
  password_file: string;
  auth: 'ws-security' | 'digest';
  subscription_s: number;
  pull_timeout_s: number;
  max_clock_drift_s: number;
  arming: ArmingConfig;
}

export interface AccessConfig {
  anti_passback: boolean;
  deny_alarm_after: number;
  readers: ReaderConfig[];
  gates: GateConfig[];
}

export type ReaderConfig =
  | {
      id: string;
      type: 'wiegand-serial';
      port: string;
      baud_rate: number;
      framing: 'ascii' | 'binary';
      format: 'w26' | 'w34';
      gate: string;
      direction: 'in' | 'out';
    }
  | { id: string; type: 'osdp'; bus: string; address: number; secure: boolean; gate: string; direction: 'in' | 'out' };

export interface GateConfig {
  id: string;
  name?: string;
  bus: string;
  address: number;
  open_coils: { in: number; out: number };
  inputs: { passage_in: number; passage_out: number; forced: number; fire: number; door_open?: number };
  fire_active_low: boolean;
  pulse_ms: number;
  grant_window_s: number;
  held_open_s: number;
  poll_ms: number;
  mode: 'normal' | 'locked' | 'free';
}

/** How the gateway reaches the district's broker. */
export interface UplinkConnection {
  url: string;
  client_id?: string;
  username?: string;
  password_file?: string;
  protocol_version: 4 | 5;
  keepalive_s: number;
  window: number;
  reconnect_s: number;
  tls?: { ca: string; cert?: string; key?: string; servername?: string; reject_unauthorized: boolean };
  allow_plaintext: boolean;
}

/** Account rules an assessment (GB/T 22239-2019, level 3) checks. */
export interface SecurityPolicy {
  password_max_age_days: number;
  password_history: number;
  lockout_failures: number;
  lockout_window_min: number;
  lockout_min: number;
  idle_timeout_min: number;
  max_sessions_per_user: number;
  two_factor_roles: ('viewer' | 'guard' | 'admin' | 'installer' | 'auditor')[];
}

export interface UplinkConfig extends UplinkConnection {
  /** The district's ed25519 key that every downlink command is signed with. */
  command_key?: string;
  /** The district's next command key, trusted beside command_key during a roll-over. */
  command_key_next?: string;
  command_max_age_s: number;
  allow_unsigned_commands: boolean;
}

export type BusConfig =
  | {
      id: string;
      type: 'modbus-rtu';
      port: string;
      baud_rate: number;
      parity: 'none' | 'even' | 'odd';
      data_bits: 7 | 8;
      stop_bits: 1 | 2;
      timeout_ms: number;
    }
  | { id: string; type: 'modbus-tcp'; host: string; port: number; timeout_ms: number }
  | { id: string; type: 'osdp'; port: string; baud_rate: number; reply_timeout_ms: number; offline_after_s: number };

export type ModbusBusConfig = Exclude<BusConfig, { type: 'osdp' }>;

export interface DeviceConfig {
  id: string;
  name?: string;
  bus: string;
  address: number;
  profile: string;
  room?: string;
  poll_interval_s: number;
}

export interface PointProfile {
  name: string;
  function: 3 | 4;
  address: number;
  type: 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32';
  word_order: 'big' | 'little';
  scale: number;
  offset: number;
  unit: string;
  valid_min?: number;
  valid_max?: number;
}

export interface DeviceProfile {
  model: string;
  vendor: string;
  kind: 'env-sensor';
  description?: string;
  serial?: { baud_rate?: number; parity?: string; data_bits?: number; stop_bits?: number };
  points: PointProfile[];
}

/** A validated site with its resolved paths and loaded profiles. */
export interface LoadedSite {
  file: string;
  config: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  dataDir: string;
}
