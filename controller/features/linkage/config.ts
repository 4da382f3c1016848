/** The site file's `linkage` section (联动) and its alarm `outputs` (sirens, strobes, relays). */
import { type TSchema, Type } from '@sinclair/typebox';
import { Id, Interval } from '../../config/schema-kit.ts';

const Severity = Type.Union(['info', 'warning', 'major', 'critical'].map((s) => Type.Literal(s)));
const timeout = Type.Optional(
  Type.Number({ minimum: 0.5, maximum: 600, description: 'How long the step may take before it counts as failed.' }),
);
const step = <N extends string, T extends Record<string, TSchema>>(name: N, props: T, description: string) =>
  Type.Object({ do: Type.Literal(name), ...props, timeout_s: timeout }, { additionalProperties: false, description });

export const LinkageStep = Type.Union([
  step(
    'camera.preset',
    { camera: Type.String(), preset: Type.String({ maxLength: 64 }) },
    'Turn a PTZ camera to a preset.',
  ),
  step(
    'clip',
    { cameras: Type.Array(Type.String(), { minItems: 1, maxItems: 8 }) },
    "Cut each camera's pre-alarm clip.",
  ),
  step('popup', {}, "Open the alarm over every console's page until someone deals with it."),
  step(
    'pa.message',
    {
      zones: Type.Union([Type.Literal('all'), Type.Array(Type.String(), { minItems: 1 })]),
      text: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      sound: Type.Optional(Type.String({ pattern: '^[\\w.-]+$' })),
      priority: Type.Optional(
        Type.Union([Type.Literal('announcement'), Type.Literal('emergency')], {
          description: 'announcement when absent; emergency cuts whatever plays.',
        }),
      ),
    },
    'Speak a text (or play a recording) to PA zones.',
  ),
  step(
    'board.notice',
    {
      boards: Type.Union([Type.Literal('all'), Type.Array(Type.String(), { minItems: 1 })]),
      text: Type.String({ minLength: 1, maxLength: 500 }),
    },
    'Show a notice on class boards.',
  ),
  step(
    'output',
    {
      output: Type.String(),
      seconds: Type.Number({ minimum: 1, maximum: 3600, description: 'Then off again.' }),
    },
    'Switch an alarm output (siren, strobe, relay) on for a while.',
  ),
  step(
    'gate.mode',
    {
      gates: Type.Union([Type.Literal('all'), Type.Array(Type.String(), { minItems: 1 })]),
      mode: Type.Union([Type.Literal('normal'), Type.Literal('locked'), Type.Literal('free')]),
    },
    'Put gates in a mode.',
  ),
  step(
    'scenario',
    { kind: Type.Union([Type.Literal('lockdown'), Type.Literal('evacuation')]) },
    'Start a lockdown or an evacuation (never a drill): gates, PA, boards, with its own report.',
  ),
  step('notify.district', {}, 'Tell the district at once, on its own record, which rule fired.'),
]);

export const LinkageRule = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    enabled: Type.Boolean({ default: true }),
    when: Type.Object(
      {
        kind: Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Alarm types, or their first part: emergency.button, camera.intrusion, camera, environment…',
        }),
        devices: Type.Optional(
          Type.Array(Type.String(), { minItems: 1, description: 'The alarm is about one of these.' }),
        ),
        places: Type.Optional(
          Type.Array(Type.String(), { minItems: 1, description: "The alarm's room, or its device's location." }),
        ),
        severity: Type.Optional(Type.Union([Severity], { description: 'At least this severe.' })),
        during: Type.Optional(
          Type.Array(Interval, {
            minItems: 1,
            description: 'School time; an interval whose end is before its start runs past midnight (18:00–07:00).',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    steps: Type.Array(LinkageStep, { minItems: 1, maxItems: 20, description: 'Steps, in order.' }),
  },
  { additionalProperties: false },
);

export const LinkageSection = Type.Object(
  {
    defaults: Type.Boolean({
      default: true,
      description: 'Keep the rules shipped with the product (a rule of the same id here replaces one).',
    }),
    rules: Type.Array(LinkageRule, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

export const OutputsSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      kind: Type.Union([Type.Literal('siren'), Type.Literal('strobe'), Type.Literal('relay')]),
      bus: Type.String(),
      address: Type.Integer({ minimum: 1, maximum: 247 }),
      coil: Type.Integer({ minimum: 0, maximum: 65535 }),
    },
    { additionalProperties: false, description: 'An alarm output on a Modbus relay module.' },
  ),
  { default: [] },
);
