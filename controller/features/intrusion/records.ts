/** The intrusion records: each zone's state as it changes. */
import { B, data, type RecordType, S } from '../../core/records.ts';

export const INTRUSION_RECORDS: readonly RecordType[] = [
  {
    type: 'zone.state',
    topics: ['events/intrusion'],
    severities: [],
    description:
      'An intrusion zone changed state (disarmed, exit, armed, entry, alarm) or was bypassed or restored: why, and by whom (a user, the schedule, the detector, the timer).',
    data: data({ name: S, state: S, bypassed: B, open: B, why: S, by: S }),
  },
];
