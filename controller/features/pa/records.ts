/** The PA's records: each broadcast queued, started, finished, failed, dropped or cut off. */
import { type TSchema, Type } from '@sinclair/typebox';
import { data, N, type RecordType, S } from '../../core/records.ts';

const pa = (type: string, description: string, extra: Record<string, TSchema> = {}): RecordType => ({
  type,
  topics: ['events/pa'],
  severities: ['info', 'major'],
  description,
  data: data({ broadcast: N, label: S, priority: S, by: S, sourceKind: S, ...extra }),
});

export const PA_RECORDS: readonly RecordType[] = [
  pa('pa.queued', 'A broadcast waits for the one playing.'),
  pa('pa.started', 'A broadcast started in its zones.', { zones: Type.Array(S) }),
  pa('pa.finished', 'A broadcast played to its end.'),
  pa('pa.failed', 'A broadcast stopped on an error.'),
  pa('pa.dropped', 'A bell or a live voice broadcast dropped because something as urgent was playing.'),
  pa('pa.preempted', 'A broadcast cut off by a higher priority.'),
  pa('pa.relay-failed', "A zone's amplifier relay did not switch; the broadcast went on."),
];
