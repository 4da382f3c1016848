import type { CommandBus } from '../commands.ts';
import type { ScenarioService } from './scenario-service.ts';

/** Lockdown, evacuation and all-clear: one audited command from the console or the district, with a drill mode. */
export function registerScenarioCommands(bus: CommandBus, scenarios: ScenarioService): void {
  bus.register('scenario.start', {
    permission: 'gate.operate',
    args: { required: ['kind'], properties: { kind: { enum: ['lockdown', 'evacuation', 'all-clear'] }, drill: { type: 'boolean' } } },
    run: (args, actor) => scenarios.run(args.kind as 'lockdown' | 'evacuation' | 'all-clear', args.drill === true, `${actor.kind}:${actor.name}`),
  });
}
