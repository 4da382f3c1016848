/** The site file's `video` section: cameras, their arming, snapshots. */
import { Type } from '@sinclair/typebox';
import { Enum, OneOf, Id, Interval } from '../../config/schema-kit.ts';

/** When a camera event is an alarm: always, never, or inside (armed) or outside (disarmed) intervals. */
export const ArmingRule = OneOf([
  Enum(['always', 'never']),
  Type.Object(
    {
      armed: Type.Array(Interval),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      disarmed: Type.Array(Interval),
    },
    { additionalProperties: false },
  ),
]);

export const VideoSection = Type.Object(
  {
    snapshot_budget_mb: Type.Number({
      minimum: 1,
      default: 512,
      description: 'Alarm snapshots kept on disk; the oldest go first.',
    }),
    prealarm: Type.Optional(
      Type.Object(
        {
          before_s: Type.Integer({
            minimum: 5,
            maximum: 60,
            default: 30,
            description: 'Video kept from before a press.',
          }),
          after_s: Type.Integer({ minimum: 0, maximum: 60, default: 10, description: 'Video taken after it.' }),
          budget_mb: Type.Number({
            minimum: 16,
            default: 1024,
            description: 'Clips kept on disk; the oldest go first.',
          }),
        },
        {
          additionalProperties: false,
          description:
            'Pre-alarm video: every camera linked to an emergency button keeps its last seconds, and a press cuts a clip from before it.',
        },
      ),
    ),
    cameras: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.Optional(Type.String()),
          location: Type.Optional(Type.String()),
          host: Type.String({ minLength: 1 }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 80 }),
          path: Type.String({ default: '/onvif/device_service' }),
          username: Type.String({ minLength: 1 }),
          password_file: Type.String({ description: 'Relative to this file; mode 0600.' }),
          subscription_s: Type.Integer({ minimum: 10, maximum: 86400, default: 600 }),
          pull_timeout_s: Type.Integer({ minimum: 1, maximum: 60, default: 60 }),
          max_clock_drift_s: Type.Number({ minimum: 1, default: 5 }),
          arming: Type.Object(
            {
              motion: Type.Optional(ArmingRule),
              'line-crossing': Type.Optional(ArmingRule),
              intrusion: Type.Optional(ArmingRule),
              'digital-input': Type.Optional(ArmingRule),
              person: Type.Optional(ArmingRule),
              vehicle: Type.Optional(ArmingRule),
            },
            { additionalProperties: false, default: {} },
          ),
          auth: Enum(['ws-security', 'digest'], {
            default: 'ws-security',
            description:
              'SOAP authentication: WS-Security UsernameToken, or HTTP Digest for cameras that answer 401 (newer Hikvision firmware).',
          }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);
