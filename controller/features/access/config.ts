/** The site file's `access` section: readers, gates, cardholder sync. */
import { Type } from '@sinclair/typebox';
import { Enum, Const, OneOf, Id, DIRECTIONS } from '../../config/schema-kit.ts';

export const AccessSection = Type.Object(
  {
    anti_passback: Type.Boolean({ default: false }),
    deny_alarm_after: Type.Integer({
      minimum: 1,
      maximum: 50,
      default: 5,
      description: 'Consecutive denials at one reader that raise an alarm (GB 50396: at most 5).',
    }),
    readers: Type.Array(
      OneOf(
        [
          Type.Object(
            {
              id: Id,
              type: Const('wiegand-serial'),
              port: Type.String({ minLength: 1 }),
              baud_rate: Enum([2400, 4800, 9600, 19200, 38400, 57600, 115200], { default: 9600 }),
              framing: Enum(['ascii', 'binary'], { default: 'ascii' }),
              format: Enum(['w26', 'w34'], { default: 'w26' }),
              gate: Type.String(),
              direction: Enum(DIRECTIONS),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              id: Id,
              type: Const('osdp'),
              bus: Type.String(),
              address: Type.Integer({ minimum: 0, maximum: 126 }),
              secure: Type.Boolean({
                default: true,
                description: 'Use the secure channel with the key from the key store (install mode uses SCBK-D).',
              }),
              gate: Type.String(),
              direction: Enum(DIRECTIONS),
            },
            { additionalProperties: false },
          ),
        ],
        {
          type: 'object',
          required: ['type'],
          properties: { type: { enum: ['wiegand-serial', 'osdp'] } },
          discriminator: { propertyName: 'type' },
        },
      ),
      { default: [] },
    ),
    gates: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.Optional(Type.String()),
          bus: Type.String(),
          address: Type.Integer({ minimum: 1, maximum: 247 }),
          open_coils: Type.Object(
            {
              in: Type.Integer({ minimum: 0, maximum: 65535 }),
              out: Type.Integer({ minimum: 0, maximum: 65535 }),
            },
            { additionalProperties: false, default: { in: 0, out: 1 } },
          ),
          inputs: Type.Object(
            {
              passage_in: Type.Integer({ minimum: 0 }),
              passage_out: Type.Integer({ minimum: 0 }),
              forced: Type.Integer({ minimum: 0 }),
              fire: Type.Integer({ minimum: 0 }),
              door_open: Type.Optional(Type.Integer({ minimum: 0 })),
            },
            { additionalProperties: false, default: { passage_in: 0, passage_out: 1, forced: 2, fire: 3 } },
          ),
          fire_active_low: Type.Boolean({ default: true }),
          pulse_ms: Type.Integer({ minimum: 100, maximum: 10000, default: 500 }),
          grant_window_s: Type.Number({ minimum: 1, maximum: 60, default: 8 }),
          held_open_s: Type.Number({ minimum: 1, maximum: 600, default: 30 }),
          poll_ms: Type.Integer({ minimum: 50, maximum: 5000, default: 100 }),
          mode: Enum(['normal', 'locked', 'free'], { default: 'normal' }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);
