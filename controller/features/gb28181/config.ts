/** The site file's `gb28181` section: the gateway as a GB/T 28181 access gateway (type 209) to upper platforms. */
import { Type } from '@sinclair/typebox';
import { Dict, Enum, Id } from '../../config/schema-kit.ts';

/** A 20-digit GB/T 28181 code: centre (8), industry (2), type (3), network (1), serial (6). */
export const GbId = Type.String({
  pattern: '^\\d{20}$',
  description: '20 digits; digits 11-13 are the type (annex D).',
});

const Platform = Type.Object(
  {
    id: Id,
    server_id: GbId,
    domain: Type.String({
      pattern: '^\\d{10}$',
      description: 'The SIP domain: the first 10 digits of the server id, as a rule.',
    }),
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5060 }),
    transport: Enum(['udp', 'tcp'], { default: 'udp' }),
    password_file: Type.String({ description: 'The registration password, relative to this file; mode 0600.' }),
    expires_s: Type.Integer({
      minimum: 3600,
      maximum: 86400 * 7,
      default: 86400,
      description: 'Registration lifetime; the standard says at least 3600 s.',
    }),
    keepalive_s: Type.Integer({ minimum: 5, maximum: 3600, default: 60 }),
    keepalive_misses: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'Unanswered keepalives before the link is offline.',
    }),
    retry_s: Type.Integer({
      minimum: 60,
      maximum: 3600,
      default: 60,
      description: 'Wait after a failed registration; the standard says no sooner than 60 s.',
    }),
    encoding: Enum(['GB2312', 'UTF-8'], { default: 'GB2312', description: 'How names are written for this platform.' }),
    channels: Dict(GbId, {
      default: {},
      description:
        'The ids the platform assigned: a camera (131 or 132), an emergency button or a gate (134), a PA zone (137) of this site, each by its site id.',
    }),
  },
  { additionalProperties: false },
);

export const Gb28181Section = Type.Optional(
  Type.Object(
    {
      device_id: GbId,
      name: Type.String({ minLength: 1, maxLength: 64, description: 'The gateway as platforms list it.' }),
      local_port: Type.Integer({ minimum: 1, maximum: 65535, default: 5060 }),
      max_video_calls: Type.Integer({
        minimum: 1,
        maximum: 256,
        default: 64,
        description: 'Live video calls at once, all platforms together; more get 486 Busy Here.',
      }),
      local_address: Type.Optional(
        Type.String({
          description: 'The address platforms reach the gateway at (Via, Contact); found from the route when absent.',
        }),
      ),
      platforms: Type.Array(Platform, { minItems: 1 }),
    },
    { additionalProperties: false, description: 'GB/T 28181 upper platforms (district, provincial campus-safety).' },
  ),
);

/** The type a channel id must have for what it stands for (annex D). */
export const CHANNEL_TYPES = {
  camera: ['131', '132'],
  button: ['134'],
  gate: ['134'],
  zone: ['137'],
  intrusion: ['134'],
  output: ['135'],
} as const;
export const idType = (id: string) => id.slice(10, 13);
