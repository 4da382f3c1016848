/** The environment feature's records: sensor readings. */
import { Type } from '@sinclair/typebox';
import { S, N, data, nullable, type RecordType } from '../../core/records.ts';

export const ENVIRONMENT_RECORDS: readonly RecordType[] = [
  {
    type: 'env.reading',
    topics: ['telemetry'],
    severities: [],
    description:
      'One poll of one sensor, every point. A point of bad quality (refused, a fault value, out of its valid range) carries the reason, and its value when it had one.',
    data: data({
      room: S,
      model: S,
      readings: Type.Array(
        Type.Union([
          data({ point: S, value: N, unit: S, quality: Type.Literal('good') }),
          data({ point: S, value: nullable(N), unit: S, quality: Type.Literal('bad'), reason: S }),
        ]),
        { minItems: 1 },
      ),
    }),
  },
];
