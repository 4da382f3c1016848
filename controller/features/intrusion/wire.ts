import { IoModuleDriver } from '../../../drivers/modbus/io-module-driver.ts';
import { commandRoute } from '../../api/command-route.ts';
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
    routes: (app, api) => {
      app.get(
        '/api/zones',
        { config: { access: 'view' }, schema: { tags: ['intrusion'], summary: 'Intrusion zones with their state' } },
        async () => zones.list(),
      );
      const which = {
        type: 'object',
        required: ['zones'],
        additionalProperties: false,
        properties: {
          zones: {
            // anyOf: the API coerces a lone value into an array, so 'all' would match both forms.
            anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1 }],
          },
        },
      };
      for (const action of ['arm', 'disarm'] as const)
        commandRoute(app, api, {
          method: 'POST',
          url: `/api/zones/${action}`,
          command: `zone.${action}`,
          tags: ['intrusion'],
          summary: action === 'arm' ? 'Arm zones' : 'Disarm zones',
          body: which,
          args: (req) => req.body as Record<string, unknown>,
        });
      commandRoute(app, api, {
        method: 'POST',
        url: '/api/zones/:id/bypass',
        command: 'zone.bypass',
        tags: ['intrusion'],
        summary: 'Bypass a zone with a reason, or restore it',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        body: {
          type: 'object',
          required: ['on'],
          additionalProperties: false,
          properties: { on: { type: 'boolean' }, reason: { type: 'string', minLength: 2, maxLength: 200 } },
        },
        args: (req) => ({ zone: (req.params as { id: string }).id, ...(req.body as object) }),
      });
    },
    start: () => zones.start(),
    stop: () => zones.stop(),
  };
}
