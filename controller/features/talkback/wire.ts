import { readFileSync } from 'node:fs';
import { commandRoute } from '../../api/command-route.ts';
import { CommandError } from '../../core/commands.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { TalkbackService } from './talkback-service.ts';

/** Talk-back to the police alarm centre on an emergency press; no calls without an alarm_centre section. */
export function wire(ctx: FeatureContext, live: LiveInputs): Feature {
  const c = ctx.site.config;
  const centre = c.alarm_centre;
  const service =
    centre &&
    new TalkbackService({
      site: c,
      centre,
      gateway: c.gateway.id,
      pipeline: ctx.pipeline,
      alarms: ctx.alarms,
      commands: ctx.commands,
      live,
      streamUrl: (camera) => ctx.devices.get(camera, 'camera')?.streamUrl() ?? null,
      ...(centre.username && centre.password_file
        ? {
            credentials: {
              username: centre.username,
              password: readFileSync(ctx.sitePath(centre.password_file), 'utf8').trim(),
            },
          }
        : {}),
      log: ctx.log,
    });
  ctx.commands.register('talkback.hangup', {
    permission: 'alarm.ack',
    args: { required: ['alarmId'], properties: { alarmId: { type: 'string', maxLength: 64 } } },
    run: (args, actor) => {
      if (!service?.hangUp(args.alarmId, `${actor.kind}:${actor.name}`))
        throw new CommandError('talkback.no-call', { id: args.alarmId });
      return { alarmId: args.alarmId, ended: true };
    },
  });
  let unsubscribe: (() => void) | null = null;
  return {
    name: 'talkback',
    start: async () => {
      if (!service) return;
      await service.start();
      unsubscribe = ctx.pipeline.onCommitted((events) => service.onRecords(events));
    },
    stop: async () => {
      unsubscribe?.();
      await service?.stop();
    },
    status: () => service?.status() ?? { centre: null },
    routes: (app, api) =>
      commandRoute(app, api, {
        method: 'POST',
        url: '/api/talkback/:alarmId/hangup',
        command: 'talkback.hangup',
        tags: ['emergency'],
        summary: "End an alarm's call to the alarm centre",
        params: { type: 'object', required: ['alarmId'], properties: { alarmId: { type: 'string', format: 'uuid' } } },
        args: (req) => ({ alarmId: (req.params as { alarmId: string }).alarmId }),
        refused: 409,
      }),
  };
}
