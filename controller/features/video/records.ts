/** The video feature's records: cameras connecting and their events. */
import { CAMERA_EVENT_KINDS } from '../../../drivers/contract.ts';
import { B, data, N, nullable, type RecordType, S } from '../../core/records.ts';

export const VIDEO_RECORDS: readonly RecordType[] = [
  ...CAMERA_EVENT_KINDS.map(
    (kind): RecordType => ({
      type: `camera.${kind}`,
      topics: ['events/video'],
      severities: [],
      description: `A camera's ${kind} event, armed or not at the time.`,
      data: data({ active: B, armed: B, sourceKey: S, topic: S, cameraTime: nullable(S) }),
    }),
  ),
  {
    type: 'camera.connected',
    topics: ['events/video'],
    severities: [],
    description: 'A camera connected: its identity, stream and snapshot addresses, clock drift.',
    data: data({ manufacturer: S, model: S, clockDriftMs: N }),
  },
];
