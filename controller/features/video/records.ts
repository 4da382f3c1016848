/** The video feature's records: cameras connecting and their events. */
import { CAMERA_EVENT_KINDS } from '../../../drivers/contract.ts';
import { Type } from '@sinclair/typebox';
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
  {
    type: 'alarm.clip',
    topics: ['events/video'],
    severities: ['info', 'warning'],
    description:
      "An emergency press's pre-alarm clip from one linked camera: its file, size, SHA-256, duration and how far before the press it starts; or why there is none.",
    data: data({
      alarm: S,
      alarmId: S,
      button: S,
      camera: S,
      ok: B,
      file: Type.Optional(S),
      bytes: Type.Optional(N),
      sha256: Type.Optional(S),
      durationS: Type.Optional(N),
      beforeS: Type.Optional(N),
      detail: Type.Optional(S),
    }),
  },
  {
    type: 'clip.uploaded',
    topics: ['events/video'],
    severities: ['info', 'warning'],
    description:
      'An alarm clip is with the district: every part on {base}/media/clips acknowledged by the broker, and how long it took from the cut; or why it never will be (evicted first).',
    data: data({
      file: S,
      alarmId: S,
      alarm: S,
      camera: S,
      bytes: N,
      sha256: S,
      parts: N,
      seconds: N,
      ok: B,
      detail: Type.Optional(S),
    }),
  },
];
