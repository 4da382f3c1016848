/** The scenarios' records: emergency button tests, scenario starts and reports. */
import { Type } from '@sinclair/typebox';
import { S, N, B, data, type RecordType } from '../../core/records.ts';

/** One step of a scenario's timeline: what it did, when it was confirmed, or that it had nothing to act on. */
export const TimelineEntrySchema = Type.Object(
  {
    step: S,
    target: S,
    commandedAt: N,
    confirmedAt: Type.Union([N, Type.Null()]),
    ok: B,
    /** What the step said, in English; `code` and `params` are the same for a reader to translate. */
    detail: Type.Optional(S),
    code: Type.Optional(S),
    params: Type.Optional(Type.Record(S, Type.Union([S, N]))),
    nothing: Type.Optional(
      Type.Union([Type.Literal('no-gates'), Type.Literal('no-pa-zones'), Type.Literal('no-boards')]),
    ),
  },
  { additionalProperties: false },
);

export const SCENARIO_RECORDS: readonly RecordType[] = [
  {
    type: 'emergency.test-press',
    topics: ['events/emergency'],
    severities: [],
    description: 'An emergency button pressed while in test mode.',
    data: data({ name: S, testBy: S }),
  },
  {
    type: 'emergency.test-mode',
    topics: ['events/emergency'],
    severities: [],
    description: 'An emergency button put in test mode until a time.',
    data: data({ until: S, by: S }),
  },
  {
    type: 'scenario.started',
    topics: ['events/scenario'],
    severities: ['warning', 'critical'],
    description: 'A lockdown, evacuation or all-clear started, real or drill.',
    data: data({ id: S, kind: S, drill: B }),
  },
  {
    type: 'scenario.report',
    topics: ['events/scenario'],
    severities: ['info', 'critical'],
    description: "A scenario's timeline: each step, what it did and when.",
    data: data({
      id: S,
      kind: S,
      drill: B,
      by: S,
      startedAt: N,
      finishedAt: N,
      timeline: Type.Array(TimelineEntrySchema),
    }),
  },
];
