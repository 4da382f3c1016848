import type { AlarmManager } from './alarms.ts';
import { CommandError, type CommandBus } from './commands.ts';

/** Commands every gateway answers: alarm acknowledgement, a status query and a configuration query. */
export function registerBuiltinCommands(
  bus: CommandBus,
  alarms: AlarmManager,
  status: () => unknown,
  config: () => unknown,
): void {
  bus.register('alarm.ack', {
    permission: 'alarm.ack',
    args: {
      required: ['alarmId'],
      properties: {
        alarmId: { type: 'string', minLength: 1, maxLength: 64 },
        note: { type: 'string', maxLength: 500 },
      },
    },
    run: (args, actor) => {
      const alarm = alarms.acknowledge(args.alarmId, `${actor.kind}:${actor.name}`, args.note);
      if (!alarm) throw new CommandError('alarm.not-waiting', { id: args.alarmId });
      return { alarmId: alarm.id, ackedAt: alarm.ackedAt };
    },
  });
  bus.register('alarm.ack-many', {
    permission: 'alarm.ack',
    args: {
      required: ['alarmIds'],
      properties: {
        alarmIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, minItems: 1, maxItems: 200 },
        note: { type: 'string', maxLength: 500 },
      },
    },
    // Says which it acknowledged and which were no longer waiting, so a guard is never told all went.
    run: (args, actor) => {
      const by = `${actor.kind}:${actor.name}`;
      const acked: string[] = [];
      const notWaiting: string[] = [];
      for (const id of new Set(args.alarmIds as string[]))
        (alarms.acknowledge(id, by, args.note) ? acked : notWaiting).push(id);
      return { acked, notWaiting };
    },
  });
  bus.register('status', {
    permission: 'view',
    args: { properties: {} },
    run: () => status(),
  });
  bus.register('config', {
    permission: 'view',
    args: { properties: {} },
    run: () => config(),
  });
}
