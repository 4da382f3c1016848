/** The class boards' records: attendance taps and notices. */
import { Type } from '@sinclair/typebox';
import { S, data, type RecordType } from '../../core/records.ts';

export const BOARD_RECORDS: readonly RecordType[] = [
  {
    type: 'board.tap',
    topics: ['events/attendance'],
    severities: [],
    description: 'A pupil tapped in at their class board (attendance), once a day.',
    data: data({ cardholderId: S, class: S, day: S }),
  },
  {
    type: 'board.notice',
    topics: ['events/boards'],
    severities: [],
    description: 'A notice sent to class boards.',
    data: data({ boards: Type.Array(S), text: S, noticeId: S }),
  },
];
