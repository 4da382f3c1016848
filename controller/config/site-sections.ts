/** The site file's sections that belong to no one feature. */
import { Type } from '@sinclair/typebox';
import { Enum, Const, OneOf, Id, TopicId, DATA_BITS, PARITIES, STOP_BITS } from './schema-kit.ts';
import { roles } from '../core/roles.ts';

export const SchoolSection = Type.Object(
  {
    id: TopicId,
    name: Type.String({ minLength: 1 }),
    district: TopicId,
    timezone: Type.String({ default: 'Asia/Shanghai' }),
  },
  { additionalProperties: false },
);

export const GatewaySection = Type.Object(
  {
    id: TopicId,
  },
  { additionalProperties: false },
);

export const DataDirSection = Type.String({ default: './data', description: 'Relative to this file.' });

export const ProfilesDirSection = Type.String({
  description: 'Relative to this file; defaults to the shipped firmware-configs/profiles.',
});

export const ConsoleSection = Type.Object(
  {
    listen: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    allow_plaintext: Type.Boolean({
      default: false,
      description: 'A lab only: serve the console over plain HTTP on an address beyond this machine.',
    }),
    security: Type.Object(
      {
        password_max_age_days: Type.Integer({
          minimum: 0,
          maximum: 3650,
          default: 90,
          description: 'A password older than this must be changed at the next login; 0: never.',
        }),
        password_history: Type.Integer({
          minimum: 0,
          maximum: 24,
          default: 5,
          description: 'A new password may not be any of this many last ones.',
        }),
        lockout_failures: Type.Integer({ minimum: 3, maximum: 20, default: 5 }),
        lockout_window_min: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
        lockout_min: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
        idle_timeout_min: Type.Integer({ minimum: 1, maximum: 480, default: 15 }),
        max_sessions_per_user: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
        two_factor_roles: Type.Array(Enum(roles), {
          uniqueItems: true,
          default: ['admin', 'installer'],
          description: 'Roles that must log in with a TOTP code as well as their password.',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'Account rules (GB/T 22239-2019 level 3): password age and history, lockout, idle sessions, two factors.',
      },
    ),
    hosts: Type.Array(
      Type.String({
        pattern:
          '^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
      }),
      {
        default: [],
        maxItems: 32,
        description:
          "Names the console answers to besides the gateway's own addresses and localhost (its DNS name, as typed into a browser); any other Host header is refused, against DNS rebinding.",
      },
    ),
    session_hours: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 12 }),
    tls: Type.Optional(
      Type.Object(
        {
          cert: Type.String({ minLength: 1, description: 'PEM certificate (chain), relative to this file.' }),
          key: Type.String({ minLength: 1, description: 'PEM private key, mode 0600.' }),
          client_ca: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "PEM CA of the staff's client certificates: a certificate whose CN is the user name stands for the second factor at login.",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Serve the console over HTTPS (session cookies are then Secure); plain HTTP is refused on that port.',
        },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const UplinkSection = Type.Object(
  {
    url: Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://' }),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    username: Type.Optional(Type.String()),
    password_file: Type.Optional(Type.String()),
    protocol_version: Enum([4, 5], { default: 4 }),
    keepalive_s: Type.Integer({ minimum: 5, maximum: 3600, default: 30 }),
    window: Type.Integer({ minimum: 1, maximum: 65535, default: 256, description: 'QoS1 messages in flight at once.' }),
    reconnect_s: Type.Number({ minimum: 0.1, maximum: 300, default: 2 }),
    clips: Type.Object(
      {
        part_kb: Type.Integer({
          minimum: 16,
          maximum: 1024,
          default: 128,
          description:
            'An alarm clip goes to the district in parts of this size, each acknowledged, on {base}/media/clips.',
        }),
        rate_kbps: Type.Integer({
          minimum: 64,
          maximum: 1_000_000,
          default: 4000,
          description:
            "At most this much of the school's uplink for clips; records always go first, so a clip never delays an alarm.",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    command_key: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The district's ed25519 public key (PEM) for commands: every downlink command must be signed with it. Required unless allow_unsigned_commands.",
      }),
    ),
    command_key_next: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The district's next ed25519 command key (PEM), trusted beside command_key while the district rolls its key over.",
      }),
    ),
    command_max_age_s: Type.Integer({
      minimum: 30,
      maximum: 86400,
      default: 600,
      description:
        'A signed command older (or further in the future) than this, by the gateway clock, is refused as a replay.',
    }),
    allow_unsigned_commands: Type.Boolean({
      default: false,
      description: 'Accept unsigned downlink commands: a lab or a demo only.',
    }),
    allow_plaintext: Type.Boolean({
      default: false,
      description: 'Allow mqtt:// or ws:// without TLS: a lab or a demo only.',
    }),
    tls: Type.Optional(
      Type.Object(
        {
          ca: Type.String(),
          cert: Type.Optional(Type.String()),
          key: Type.Optional(Type.String()),
          servername: Type.Optional(Type.String()),
          reject_unauthorized: Type.Boolean({ default: true }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AuditSection = Type.Object(
  {
    syslog: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1 }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 6514 }),
          ca: Type.String({
            minLength: 1,
            description: "PEM CA that signed the receiver's certificate, relative to this file.",
          }),
          cert: Type.Optional(
            Type.String({ minLength: 1, description: 'Client certificate, where the receiver asks for one.' }),
          ),
          key: Type.Optional(Type.String({ minLength: 1, description: 'Its private key, mode 0600.' })),
          servername: Type.Optional(
            Type.String({
              minLength: 1,
              description: "The name in the receiver's certificate, when it is not the host.",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Also send every audit record, in chain order, to a syslog receiver over TLS (RFC 5424 messages, RFC 5425 framing).',
        },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const StorageSection = Type.Object(
  {
    disk_budget_mb: Type.Number({ minimum: 1, default: 1024 }),
    encrypt_personal_data: Type.Boolean({
      default: true,
      description:
        'Seal cardholder names and cards, attendance and the records about a person at rest, with a key in data_dir/personal.key (mode 0600). Off only in a lab.',
    }),
    personal_cipher: Enum(['aes-256-gcm', 'sm4'], {
      default: 'aes-256-gcm',
      description:
        'aes-256-gcm, or sm4 (SM4-CTR with HMAC-SM3) for commercial-cryptography rules. Chosen once: a sealed store keeps its cipher.',
    }),
    purge_expired_after_days: Type.Integer({
      minimum: 0,
      maximum: 3650,
      default: 30,
      description: 'Erase a cardholder this many days after their validity ended (pupils who left); 0: never.',
    }),
    retention_days: Type.Object(
      {
        alarms_and_access: Type.Integer({ minimum: 1, default: 180 }),
        events: Type.Integer({ minimum: 1, default: 180 }),
        telemetry: Type.Integer({ minimum: 1, default: 30 }),
      },
      { additionalProperties: false, default: {} },
    ),
    downsample_after_hours: Type.Number({ minimum: 1, default: 24 }),
    downsample_bucket_minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 5 }),
  },
  { additionalProperties: false, default: {} },
);

export const RoomsSection = Type.Array(
  Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      name: Type.String(),
      name_en: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  { default: [] },
);

/** An RS-485 port with Modbus RTU or ASCII framing; ASCII lines usually run 7E1. */
function serialModbusBus<T extends 'modbus-rtu' | 'modbus-ascii'>(
  type: T,
  defaults: { data_bits: 7 | 8; parity: 'none' | 'even' },
) {
  return Type.Object(
    {
      id: Id,
      type: Const(type),
      port: Type.String({ minLength: 1 }),
      baud_rate: Enum([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200], { default: 9600 }),
      parity: Enum(PARITIES, { default: defaults.parity }),
      data_bits: Enum(DATA_BITS, { default: defaults.data_bits }),
      stop_bits: Enum(STOP_BITS, { default: 1 }),
      timeout_ms: Type.Integer({ minimum: 20, maximum: 10000, default: 500 }),
    },
    { additionalProperties: false },
  );
}

export const BusesSection = Type.Array(
  OneOf(
    [
      serialModbusBus('modbus-rtu', { data_bits: 8, parity: 'none' }),
      serialModbusBus('modbus-ascii', { data_bits: 7, parity: 'even' }),
      Type.Object(
        {
          id: Id,
          type: Const('modbus-tcp'),
          host: Type.String({ minLength: 1 }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 502 }),
          timeout_ms: Type.Integer({ minimum: 20, maximum: 10000, default: 1000 }),
          max_in_flight: Type.Integer({
            minimum: 1,
            maximum: 16,
            default: 1,
            description:
              'Transactions sent before the first answer comes back. Only for a device that serves Modbus TCP itself; a serial gateway answers one at a time.',
          }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          id: Id,
          type: Const('modbus-rtu-tcp'),
          host: Type.String({ minLength: 1 }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 502 }),
          timeout_ms: Type.Integer({ minimum: 20, maximum: 10000, default: 1000 }),
        },
        {
          additionalProperties: false,
          description:
            'RTU frames over a TCP socket: a transparent serial server in front of an RS-485 line; its serial settings are made in the server.',
        },
      ),
      Type.Object(
        {
          id: Id,
          type: Const('osdp'),
          port: Type.String({ minLength: 1 }),
          baud_rate: Enum([9600, 19200, 38400, 57600, 115200], { default: 9600 }),
          reply_timeout_ms: Type.Integer({ minimum: 50, maximum: 2000, default: 200 }),
          offline_after_s: Type.Number({ minimum: 1, maximum: 60, default: 8 }),
        },
        { additionalProperties: false },
      ),
    ],
    {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['modbus-rtu', 'modbus-ascii', 'modbus-tcp', 'modbus-rtu-tcp', 'osdp'] } },
      discriminator: { propertyName: 'type' },
    },
  ),
  { default: [] },
);

export const ClockSection = Type.Object(
  {
    ntp_check: Type.Boolean({
      default: true,
      description: 'Warn when timedatectl reports the clock is not NTP-synchronized.',
    }),
  },
  { additionalProperties: false, default: {} },
);
