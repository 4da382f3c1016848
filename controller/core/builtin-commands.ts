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
      const alarm = alarms.acknowledge(args.alarmId, `${actor.kind}:${actor.name}`);
      if (!alarm) throw new CommandError(`no unacknowledged open alarm ${args.alarmId} (无待确认的该报警)`);
      return { alarmId: alarm.id, ackedAt: alarm.ackedAt };
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
