/**
 * How a record type is declared: its topic, the severities it carries and the
 * schema of its data. Each owner declares its own (core here, each feature in
 * its records.ts); controller/record-catalogue.ts gathers them.
 *
 * Names: `domain.event`, each part lowercase words joined by '-'.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { Severity, Topic } from './types.ts';

export const RECORD_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface RecordType {
  type: string;
  topics: readonly Topic[];
  /** The severities it is emitted with; none: it carries no severity. */
  severities: readonly Severity[];
  description: string;
  data: TSchema;
}

export const S = Type.String();
export const N = Type.Number();
export const B = Type.Boolean();
export const nullable = (t: TSchema) => Type.Union([t, Type.Null()]);
/** Data objects may grow fields; consumers must ignore those they do not know. */
export const data = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: true });
export const direction = Type.Union([Type.Literal('in'), Type.Literal('out')]);
const actor = data({ kind: S, name: S });
/** The audit chain's head after this entry: its link number and hash, for the district to compare. */
const chain = data({ n: N, hash: S });

const alarm = data({
  alarm: data({
    id: S,
    key: S,
    type: S,
    source: S,
    severity: S,
    message: S,
    active: B,
    raisedAt: N,
    clearedAt: nullable(N),
    ackedAt: nullable(N),
    ackedBy: nullable(S),
    data: Type.Object({}, { additionalProperties: true }),
  }),
});

/** The records core emits: alarms, commands and the audit, device health, the controller, the clock and the store. */
export const CORE_RECORDS: readonly RecordType[] = [
  ...(['alarm.raised', 'alarm.acknowledged', 'alarm.cleared', 'alarm.updated'] as const).map(
    (type): RecordType => ({
      type,
      topics: ['alarms'],
      severities: ['info', 'warning', 'major', 'critical'],
      description:
        'An alarm changed state, or gained evidence (a clip, a call, a linkage step: alarm.updated); `data.alarm` is the whole alarm as it now is.',
      data: alarm,
    }),
  ),
  {
    type: 'command.result',
    topics: ['cmd-result', 'events/audit'],
    severities: ['info', 'warning'],
    description:
      'The outcome of a command: on cmd-result for the district, on events/audit for local ones; with the audit chain head.',
    data: data({
      requestId: nullable(S),
      command: S,
      args: Type.Any(),
      actor,
      ok: B,
      /** A refusal: English text, and its message key and parameters to translate (the console does). */
      error: Type.Optional(S),
      code: Type.Optional(S),
      params: Type.Optional(Type.Record(S, Type.Union([S, N]))),
      auditId: N,
      chain,
    }),
  },
  {
    type: 'command.rejected',
    topics: ['cmd-result'],
    severities: ['warning'],
    description: 'A downlink command refused before it ran (signature, target, age, replay, shape).',
    data: data({ requestId: nullable(S), ok: B, error: S, topic: S }),
  },
  {
    type: 'command.rejected-summary',
    topics: ['cmd-result'],
    severities: ['warning'],
    description: 'Rejections past the recording budget, counted instead of recorded one by one.',
    data: data({ requestId: Type.Null(), ok: B }),
  },
  {
    type: 'audit.record',
    topics: ['events/audit'],
    severities: ['info', 'warning'],
    description: 'Something audited that is no command: a login, a read of personal data, an export.',
    data: data({ what: S, args: Type.Any(), ok: B, actor, auditId: N, chain }),
  },
  {
    type: 'device.health',
    topics: ['events/device'],
    severities: ['info', 'warning'],
    description: "A device's health changed (online, degraded, offline).",
    data: data({ kind: S, health: S, previous: nullable(S), detail: nullable(S) }),
  },
  {
    type: 'controller.started',
    topics: ['events/system'],
    severities: [],
    description: 'The controller started: its version and store schema.',
    data: data({ version: S, schema: N }),
  },
  {
    type: 'clock.jumped',
    topics: ['events/system'],
    severities: ['warning'],
    description: 'The wall clock stepped: from where to where; records stay in seq order.',
    data: data({ jumpMs: N, from: S, to: S }),
  },
  {
    type: 'storage.telemetry-evicted',
    topics: ['events/system'],
    severities: ['warning'],
    description: 'Undelivered telemetry given up under the disk budget or past its retention, by seq range.',
    data: data({ count: N, firstSeq: N, lastSeq: N }),
  },
];
