/** The site file's `environment` and `devices` sections: limits, and the Modbus sensors. */
import { Type } from '@sinclair/typebox';
import { Id } from '../../config/schema-kit.ts';

export const EnvironmentSection = Type.Object(
  {
    summer_months: Type.Array(Type.Integer({ minimum: 1, maximum: 12 }), {
      uniqueItems: true,
      default: [5, 6, 7, 8, 9, 10],
    }),
    limits: Type.Array(
      Type.Object(
        {
          point: Type.String(),
          min: Type.Optional(Type.Number()),
          max: Type.Optional(Type.Number()),
          hysteresis: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const DevicesSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.Optional(Type.String()),
      bus: Type.String(),
      address: Type.Integer({ minimum: 1, maximum: 247 }),
      profile: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }),
      room: Type.Optional(Type.String()),
      poll_interval_s: Type.Number({ minimum: 0.05, maximum: 3600, default: 15 }),
    },
    { additionalProperties: false },
  ),
  { default: [] },
);
