/** The site file's `pa` section: zones, sounds and bell schedules. */
import { Type } from '@sinclair/typebox';
import { Const, OneOf, Id } from '../../config/schema-kit.ts';

export const PaSection = Type.Object(
  {
    zones: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.String(),
          address: Type.String({
            pattern: '^[0-9.]+:[0-9]{1,5}$',
            description: 'RTP destination host:port; 239.0.0.0/8 for multicast.',
          }),
          relay: Type.Optional(
            Type.Object(
              {
                bus: Type.String(),
                address: Type.Integer({ minimum: 1, maximum: 247 }),
                coil: Type.Integer({ minimum: 0, maximum: 65535 }),
              },
              {
                additionalProperties: false,
                description: "An amplifier or speaker-line relay switched on for the zone's broadcasts.",
              },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    sounds_dir: Type.Optional(
      Type.String({ description: 'Recorded messages and bell sounds (relative to this file).' }),
    ),
    active_schedule: Type.Optional(Type.String()),
    schedules: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.String(),
          bells: Type.Array(
            Type.Object(
              {
                at: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
                days: Type.Array(Type.Integer()),
                sound: Type.String({ default: 'chime' }),
                zones: OneOf([Const('all'), Type.Array(Type.String())], { default: 'all' }),
                label: Type.Optional(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false, default: {} },
);
