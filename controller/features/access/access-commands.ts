import type { EventLog } from '../../store/event-log.ts';
import { MAX_IMPORT_ROWS } from './cardholder-csv.ts';
import type { AccessDelta, Allowlist } from './allowlist.ts';
import { CommandError, type CommandBus } from '../../core/commands.ts';
import type { AccessService } from './access-service.ts';
import type { Cardholder, Direction, GateMode } from './types.ts';

const cardholder = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'card'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    kind: { enum: ['student', 'staff', 'visitor'] },
    class: { type: ['string', 'null'], maxLength: 64 },
    card: { type: 'string', pattern: '^[0-9]{1,20}$' },
    validFrom: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    validTo: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    enabled: { type: 'boolean' },
    groups: { type: 'array', items: { type: 'string' }, maxItems: 32 },
  },
} as const;
const hhmm = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' } as const;
const idList = { type: 'array', items: { type: 'string' } } as const;

/** The district's cardholder sync: a versioned delta, or a full resync. */
export const syncArgs = {
  required: ['version'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    baseVersion: { type: 'integer', minimum: 0 },
    full: { type: 'boolean' },
    cardholders: { type: 'array', items: cardholder, maxItems: 100_000 },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: { id: { type: 'string' }, name: { type: 'string' } },
      },
    },
    schedules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'intervals'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          onHolidays: { type: 'boolean' },
          intervals: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['days', 'from', 'to'],
              properties: {
                days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } },
                from: hhmm,
                to: hhmm,
              },
            },
          },
        },
      },
    },
    holidays: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['date', 'name'],
        properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, name: { type: 'string' } },
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['gateId', 'groupId', 'scheduleId'],
        properties: { gateId: { type: 'string' }, groupId: { type: 'string' }, scheduleId: { type: 'string' } },
      },
    },
    deleteCardholders: idList,
    deleteGroups: idList,
    deleteSchedules: idList,
    deleteHolidays: idList,
    deleteRules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['gateId', 'groupId'],
        properties: { gateId: { type: 'string' }, groupId: { type: 'string' } },
      },
    },
  },
} as const;

/** Gate operation (audited, from the console, the district or a scenario) and cardholder sync. */
export function registerAccessCommands(
  bus: CommandBus,
  access: AccessService,
  allowlist: Allowlist,
  log: EventLog,
  keyset: (readerId: string) => Promise<void>,
): void {
  const gate = { type: 'string', minLength: 1, maxLength: 64 } as const;
  bus.register('gate.open', {
    permission: 'gate.operate',
    args: { required: ['gateId', 'direction'], properties: { gateId: gate, direction: { enum: ['in', 'out'] } } },
    run: async (args) => {
      await access.open(args.gateId, args.direction as Direction);
      return { gateId: args.gateId, direction: args.direction };
    },
  });
  bus.register('gate.mode', {
    permission: 'gate.operate',
    args: { required: ['gateId', 'mode'], properties: { gateId: gate, mode: { enum: ['normal', 'locked', 'free'] } } },
    run: async (args) => {
      await access.setMode(args.gateId, args.mode as GateMode);
      return { gateId: args.gateId, mode: args.mode, fireOverride: access.fireActive };
    },
  });
  bus.register('cardholders.sync', {
    permission: 'people.manage',
    // The audit log and the forwarded result keep the version, not the people.
    secret: ['cardholders'],
    args: syncArgs,
    run: (args) => {
      const version = allowlist.apply(args as unknown as AccessDelta);
      return { version, cardholders: allowlist.size };
    },
  });
  bus.register('cardholders.upsert', {
    permission: 'people.manage',
    from: ['user', 'system'],
    secret: ['cardholders'],
    args: {
      required: ['cardholders'],
      properties: { cardholders: { type: 'array', items: cardholder, minItems: 1, maxItems: MAX_IMPORT_ROWS } },
    },
    run: async (args) => {
      const list = args.cardholders as Cardholder[];
      const taken = allowlist.cardConflicts(list);
      if (taken.length)
        throw new CommandError('cardholder.card-taken', {
          n: taken.length,
          card: taken[0]!.card,
          id: list[taken[0]!.index]!.id,
          holder: taken[0]!.holder.id,
        });
      // Counted before writing, so the answer says what the import did, not how many rows it had.
      const changes = allowlist.changes(list);
      await allowlist.upsertInChunks(list);
      return { ...changes, ids: list.slice(0, 50).map((c) => c.id) };
    },
  });
  bus.register('cardholder.erase', {
    permission: 'people.manage',
    args: {
      required: ['id'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, reason: { type: 'string', maxLength: 200 } },
    },
    run: (args) => {
      if (!allowlist.byId(args.id)) throw new CommandError('cardholder.unknown', { id: args.id });
      return { id: args.id, ...allowlist.erase(args.id, log) };
    },
  });
  bus.register('osdp.keyset', {
    permission: 'devices.commission',
    from: ['user', 'system'],
    args: { required: ['readerId'], properties: { readerId: { type: 'string', minLength: 1, maxLength: 64 } } },
    run: async (args) => {
      await keyset(args.readerId);
      return { readerId: args.readerId, keyed: true };
    },
  });
}
