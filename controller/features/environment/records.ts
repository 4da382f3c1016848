/** The environment feature's records: sensor readings. */
import { Type } from '@sinclair/typebox';
import { S, N, data, type RecordType } from '../../core/records.ts';

export const ENVIRONMENT_RECORDS: readonly RecordType[] = [
  {
    type: 'env.reading',
    topics: ['telemetry'],
    severities: [],
    description: 'One poll of one sensor, every point.',
    data: data({
      room: S,
      model: S,
      readings: Type.Array(data({ point: S, value: N, unit: S }), { minItems: 1 }),
    }),
  },
];
