/** The site file's `io_modules` (Modbus digital-input modules) and intrusion `zones` (防区). */
import { Type } from '@sinclair/typebox';
import { Id, Interval } from '../../config/schema-kit.ts';

export const IoModulesSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      bus: Type.String(),
      address: Type.Integer({ minimum: 1, maximum: 247 }),
      inputs: Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'Discrete inputs read from 0.' }),
      poll_ms: Type.Integer({ minimum: 100, maximum: 5000, default: 250 }),
    },
    { additionalProperties: false, description: 'A Modbus digital-input module (function 02) wired to detectors.' },
  ),
  { default: [] },
);

const ModuleInput = Type.Object(
  {
    module: Type.String(),
    input: Type.Integer({ minimum: 0, maximum: 63 }),
    normally: Type.Optional(
      Type.Union([Type.Literal('closed'), Type.Literal('open')], {
        description: 'closed (the default): the loop opens on an alarm, and a cut wire alarms too.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ZonesSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      place: Type.Optional(Type.String({ description: 'Where it is, for linkage rules and the plan.' })),
      input: Type.Union([
        ModuleInput,
        Type.Object(
          { camera: Type.String(), input: Type.String({ description: "The camera's input token (DI_2)." }) },
          { additionalProperties: false },
        ),
      ]),
      tamper: Type.Optional(ModuleInput),
      entry_delay_s: Type.Integer({
        minimum: 0,
        maximum: 300,
        default: 0,
        description:
          'Time to disarm after the zone opens while armed (a door the guard comes in by); 0 alarms at once.',
      }),
      exit_delay_s: Type.Integer({
        minimum: 0,
        maximum: 300,
        default: 0,
        description: 'Time to leave after arming, during which the zone may open.',
      }),
      armed: Type.Optional(
        Type.Array(Interval, {
          minItems: 1,
          description:
            'When it arms by itself (school time; an end before its start runs past midnight); by command only when absent.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  { default: [] },
);
