import { readFileSync } from 'node:fs';
import { loadDistrictKey } from '../../core/district-key.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { InstallSlots } from './install-slots.ts';
import { registerUpdateCommands } from './update-commands.ts';
import { UpdateService } from './update-service.ts';

export interface UpdateHooks {
  /** Whether the new build has proven itself: healthy and connected to the district. */
  proven(): boolean;
  restart(reason: string): void;
}

/** Signed updates from the district, installed to the spare slot and kept only once proven. */
export function wire(ctx: FeatureContext, hooks: UpdateHooks): Feature & { service: UpdateService } {
  const c = ctx.site.config;
  const key = c.update.public_key ? loadDistrictKey(readFileSync(ctx.sitePath(c.update.public_key), 'utf8')) : null;
  const service = new UpdateService(
    c.update,
    key,
    InstallSlots.around(process.execPath),
    ctx.pipeline,
    ctx.alarms,
    ctx.log,
    hooks,
  );
  registerUpdateCommands(ctx.commands, service);
  return { name: 'updates', service, start: () => service.start(), stop: () => service.stop() };
}
