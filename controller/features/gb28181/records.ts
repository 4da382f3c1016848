/** The GB/T 28181 link's records: its state per platform, and the platform's clock. */
import { Type } from '@sinclair/typebox';
import { N, S, data, type RecordType } from '../../core/records.ts';

export const GB28181_RECORDS: readonly RecordType[] = [
  {
    type: 'gb28181.link',
    topics: ['events/gb28181'],
    severities: ['info', 'warning'],
    description:
      "An upper platform's registration changed: registering, registered, refused, offline or unregistered, and why.",
    data: data({ platform: S, state: S, detail: S }),
  },
  {
    type: 'gb28181.clock-drift',
    topics: ['events/gb28181'],
    severities: ['warning'],
    description:
      "A platform's clock (the Date of its 200 OK) differs from the gateway's by more than 5 s; nothing is stepped.",
    data: data({ platform: S, driftMs: N }),
  },
  {
    type: 'gb28181.query',
    topics: ['events/gb28181'],
    severities: ['info', 'warning'],
    description: 'A query or command from a platform, and how it was answered.',
    data: data({ platform: S, cmdType: S, sn: N, answered: Type.Boolean(), detail: Type.Optional(S) }),
  },
  {
    type: 'gb28181.media',
    topics: ['events/gb28181'],
    severities: ['info'],
    description: "A platform's live video of a camera started or ended, and why.",
    data: data({ platform: S, camera: S, state: S, detail: S }),
  },
  {
    type: 'gb28181.broadcast',
    topics: ['events/gb28181'],
    severities: ['info'],
    description: "A platform's voice broadcast to PA zones started or ended, and why.",
    data: data({ platform: S, zones: Type.Array(S), state: S, detail: S }),
  },
  {
    type: 'gb28181.alarm-sent',
    topics: ['events/gb28181'],
    severities: ['info', 'warning'],
    description: 'An alarm told to a platform on its channel, and whether the platform took it.',
    data: data({ platform: S, channel: S, alarm: S, delivered: Type.Boolean(), detail: S }),
  },
];
