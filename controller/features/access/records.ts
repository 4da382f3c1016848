/** The access feature's records: decisions, passages, gate modes, the OSDP readers' state. */
import { Enum } from '../../config/schema-kit.ts';
import { DENY_REASONS } from './types.ts';
import { B, data, direction, N, nullable, type RecordType, S } from '../../core/records.ts';

export const ACCESS_RECORDS: readonly RecordType[] = [
  {
    type: 'access.unreadable',
    topics: ['events/access'],
    severities: ['warning'],
    description: 'A card the reader could not read right (a parity error): swiped too fast, or damaged.',
    data: data({ bits: N, reason: S }),
  },
  ...(['access.granted', 'access.denied'] as const).map(
    (type): RecordType => ({
      type,
      topics: ['events/access'],
      severities: [type === 'access.granted' ? 'info' : 'warning'],
      description: 'A card at a reader and the decision; the card number only when it matches nobody.',
      data: data({
        gate: S,
        direction,
        reason: Enum(['granted', 'free-passage', ...DENY_REASONS]),
        cardholderId: nullable(S),
        card: nullable(S),
        bits: S,
        format: S,
      }),
    }),
  ),
  {
    type: 'access.passage',
    topics: ['events/access'],
    severities: [],
    description: 'Someone went through a gate, with the grant it belongs to, if any.',
    data: data({ gate: S, direction, cardholderId: nullable(S), day: S, granted: B }),
  },
  {
    type: 'access.not-passed',
    topics: ['events/access'],
    severities: [],
    description: 'A grant expired with nobody going through.',
    data: data({ gate: S, direction, cardholderId: nullable(S) }),
  },
  {
    type: 'gate.mode',
    topics: ['events/access'],
    severities: [],
    description: 'A gate was set to normal, locked or free passage.',
    data: data({ mode: S, fire: B }),
  },
  {
    type: 'osdp.online',
    topics: ['events/device'],
    severities: [],
    description: 'An OSDP reader came up, with or without a secure channel.',
    data: data({ secure: B, installKey: B }),
  },
  {
    type: 'osdp.secure-channel-refused',
    topics: ['events/device'],
    severities: ['warning'],
    description: 'An OSDP reader refused the secure channel.',
    data: data({ reason: S }),
  },
];
