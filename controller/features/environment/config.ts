/** The site file's `environment` and `devices` sections: limits, and the Modbus sensors. */
import { Type } from '@sinclair/typebox';
import { Id, Interval } from '../../config/schema-kit.ts';

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
          hysteresis: Type.Optional(Type.Number({ minimum: 0 })),
          window_s: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 7 * 86400,
              description: 'Averaging time of the limit; 0 compares every reading as it comes.',
            }),
          ),
          unit: Type.Optional(Type.String({ description: 'Only readings in this unit are compared.' })),
        },
        {
          additionalProperties: false,
          description: "Replaces the standard's values for one point; what is left out stays the standard's.",
        },
      ),
      { default: [] },
    ),
    lesson_hours: Type.Array(Interval, {
      default: [{ days: [1, 2, 3, 4, 5], from: '07:30', to: '17:30' }],
      description: 'When classrooms are in use: lighting (GB 7793) is judged only then, in the school time zone.',
    }),
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
