import { IoModuleDriver } from '../../../drivers/modbus/io-module-driver.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { ZoneService } from './zone-service.ts';

/** Intrusion zones (防区) on Modbus input modules and camera inputs, and the modules themselves. */
export function wire(ctx: FeatureContext): Feature & { zones: ZoneService } {
  const c = ctx.site.config;
  const zones = new ZoneService({
    zones: c.zones,
    timeZone: c.school.timezone,
    pipeline: ctx.pipeline,
    alarms: ctx.alarms,
  });
  zones.register(ctx.commands);
  ctx.inbound.on('digitalInputs', ({ module, inputs }) => zones.onModule(module, inputs));
  const drivers = [...new Set(c.io_modules.map((m) => m.bus))].flatMap((bus) => {
    const link = ctx.modbus.get(bus);
    return link
      ? [
          new IoModuleDriver(
            link,
            c.io_modules.filter((m) => m.bus === bus),
          ),
        ]
      : [];
  });
  return {
    name: 'intrusion',
    zones,
    drivers,
    routes: (app) =>
      app.get(
        '/api/zones',
        { config: { access: 'view' }, schema: { tags: ['intrusion'], summary: 'Intrusion zones with their state' } },
        async () => zones.list(),
      ),
    start: () => zones.start(),
    stop: () => zones.stop(),
  };
}
