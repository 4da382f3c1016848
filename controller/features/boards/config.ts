/** The site file's `boards` section: the class boards (电子班牌). */
import { Type } from '@sinclair/typebox';
import { Id } from '../../config/schema-kit.ts';

export const BoardsSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      class: Type.String({ description: 'The class whose students this board counts.' }),
      room: Type.Optional(Type.String()),
      assembly_point: Type.Optional(Type.String({ description: 'Shown in an evacuation.' })),
      timetable: Type.Array(
        Type.Object(
          {
            days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { default: [1, 2, 3, 4, 5] }),
            from: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
            to: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
            subject: Type.String(),
          },
          { additionalProperties: false },
        ),
        { default: [] },
      ),
    },
    { additionalProperties: false },
  ),
  { default: [] },
);
