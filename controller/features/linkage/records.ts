/** The linkage records: each step a rule ran, its notices to the district, and alarm outputs switched. */
import { Type } from '@sinclair/typebox';
import { B, data, N, nullable, type RecordType, S } from '../../core/records.ts';

export const LINKAGE_RECORDS: readonly RecordType[] = [
  {
    type: 'linkage.step',
    topics: ['events/linkage'],
    severities: ['info', 'warning'],
    description:
      "One step of a linkage rule run for an alarm: which rule and step, what it did, whether it worked (and why not), when it started and how long it took. The same entry is on the alarm's timeline.",
    data: data({
      alarm: S,
      alarmId: S,
      rule: S,
      ruleName: S,
      step: N,
      do: S,
      ok: B,
      detail: S,
      code: Type.Optional(S),
      params: Type.Optional(Type.Record(S, Type.Union([S, N]))),
      startedAt: N,
      ms: N,
    }),
  },
  {
    type: 'linkage.notice',
    topics: ['events/linkage'],
    severities: ['info', 'warning', 'major', 'critical'],
    description: "A linkage rule's notice to the district: the alarm, its kind and device, and the rule that fired.",
    data: data({ alarm: S, alarmId: S, rule: S, ruleName: S, type: S, device: S }),
  },
  {
    type: 'output.state',
    topics: ['events/linkage'],
    severities: [],
    description: 'An alarm output (siren, strobe, relay) switched on (for how long) or off, and by whom.',
    data: data({ name: S, kind: S, on: B, seconds: nullable(N), by: S }),
  },
];
