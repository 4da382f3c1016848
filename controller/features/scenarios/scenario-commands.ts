import { CommandError, type CommandBus } from '../../core/commands.ts';
import type { EmergencyButtons } from './emergency-buttons.ts';
import type { ScenarioService } from './scenario-service.ts';

/** Lockdown, evacuation and all-clear: one audited command from the console or the district, with a drill mode. */
export function registerScenarioCommands(bus: CommandBus, scenarios: ScenarioService): void {
  bus.register('scenario.start', {
    permission: 'gate.operate',
    args: {
      required: ['kind'],
      properties: { kind: { enum: ['lockdown', 'evacuation', 'all-clear'] }, drill: { type: 'boolean' } },
    },
    run: (args, actor) =>
      scenarios.run(
        args.kind as 'lockdown' | 'evacuation' | 'all-clear',
        args.drill === true,
        `${actor.kind}:${actor.name}`,
      ),
  });
}

/** Emergency buttons: reset by a person only, and a logged test mode. */
export function registerButtonCommands(bus: CommandBus, buttons: EmergencyButtons): void {
  bus.register('emergency.reset', {
    permission: 'alarm.ack',
    from: ['user'],
    args: { required: ['buttonId'], properties: { buttonId: { type: 'string', maxLength: 64 } } },
    run: (args, actor) => {
      if (!buttons.reset(args.buttonId, `user:${actor.name}`))
        throw new CommandError('button.not-latched', { id: args.buttonId });
      return { reset: args.buttonId };
    },
  });
  bus.register('emergency.test-mode', {
    permission: 'alarm.ack',
    args: {
      required: ['buttonId', 'minutes'],
      properties: {
        buttonId: { type: 'string', maxLength: 64 },
        minutes: { type: 'integer', minimum: 1, maximum: 60 },
      },
    },
    run: (args, actor) => {
      return buttons.testMode(args.buttonId, args.minutes, `${actor.kind}:${actor.name}`);
    },
  });
}
