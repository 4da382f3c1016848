import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessService } from '../access/access-service.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import type { BellScheduler } from '../pa/bell-scheduler.ts';
import type { PaService } from '../pa/pa-service.ts';
import { EmergencyButtons } from './emergency-buttons.ts';
import { emergencyRoutes } from './emergency-routes.ts';
import { registerButtonCommands, registerScenarioCommands } from './scenario-commands.ts';
import { ScenarioService } from './scenario-service.ts';

export interface ScenarioParts {
  access: AccessService;
  pa: PaService;
  bells: BellScheduler;
  boards: BoardService;
  soundsDir: string | null;
}

/** Lockdown, evacuation and their drills across gates, PA and boards; emergency buttons. */
export function wire(
  ctx: FeatureContext,
  parts: ScenarioParts,
): Feature & { service: ScenarioService; buttons: EmergencyButtons } {
  const c = ctx.site.config;
  const { soundsDir } = parts;
  const buttons = new EmergencyButtons(c.emergency_buttons, ctx.alarms, ctx.pipeline);
  const service = new ScenarioService({
    access: parts.access,
    pa: parts.pa,
    boards: parts.boards,
    pipeline: ctx.pipeline,
    gateIds: c.access.gates.map((g) => g.id),
    configuredModes: new Map(c.access.gates.map((g) => [g.id, g.mode])),
    recording: (kind) =>
      soundsDir && existsSync(join(soundsDir, `${kind}.wav`))
        ? { kind: 'file', path: join(soundsDir, `${kind}.wav`) }
        : null,
    paZones: c.pa.zones.length,
  });
  // A lockdown in force stays in force across a restart: the last scenario started says which.
  const started = ctx.pipeline.log.search({ type: 'scenario.started', limit: 1 })[0];
  if (started && started.data.kind !== 'all-clear')
    service.active = {
      id: started.data.id as string,
      kind: started.data.kind as 'lockdown' | 'evacuation',
      drill: started.data.drill as boolean,
      by: started.source,
      startedAt: started.ts,
    };
  registerScenarioCommands(ctx.commands, service);
  registerButtonCommands(ctx.commands, buttons);
  return {
    name: 'scenarios',
    service,
    buttons,
    routes: (app, api) => emergencyRoutes(app, api, { ...parts, scenarios: service }),
    status: () => ({
      last: service.last && { kind: service.last.kind, drill: service.last.drill, at: service.last.startedAt },
    }),
  };
}
