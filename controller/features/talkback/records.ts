/** The talk-back records: each call to the alarm centre, from calling to its end. */
import { Type } from '@sinclair/typebox';
import { B, data, N, nullable, type RecordType, S } from '../../core/records.ts';

export const TALKBACK_RECORDS: readonly RecordType[] = [
  {
    type: 'talkback.call',
    topics: ['events/emergency'],
    severities: ['info', 'major'],
    description:
      "An emergency press's call to the police alarm centre: calling, answered (how long after the press), ended (why, how long, audio packets each way, when the centre first heard the station) or failed (the centre's answer, or none).",
    data: data({
      alarm: S,
      alarmId: S,
      button: S,
      centre: S,
      state: Type.Union([
        Type.Literal('calling'),
        Type.Literal('answered'),
        Type.Literal('ended'),
        Type.Literal('failed'),
      ]),
      attempt: N,
      codec: Type.Optional(S),
      answerMs: Type.Optional(N),
      firstAudioMs: Type.Optional(nullable(N)),
      durationS: Type.Optional(N),
      sent: Type.Optional(N),
      heard: Type.Optional(N),
      pa: Type.Optional(S),
      reason: Type.Optional(S),
      status: Type.Optional(nullable(N)),
      detail: Type.Optional(S),
      ok: Type.Optional(B),
    }),
  },
];
