import { readFileSync } from 'node:fs';
import type { Feature, FeatureContext } from '../feature.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { TalkbackService } from './talkback-service.ts';

/** Talk-back to the police alarm centre on an emergency press; nothing without an alarm_centre section. */
export function wire(ctx: FeatureContext, live: LiveInputs): Feature {
  const c = ctx.site.config;
  const centre = c.alarm_centre;
  if (!centre) return { name: 'talkback' };
  const service = new TalkbackService({
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
  let unsubscribe: (() => void) | null = null;
  return {
    name: 'talkback',
    start: async () => {
      await service.start();
      unsubscribe = ctx.pipeline.onCommitted((events) => service.onRecords(events));
    },
    stop: async () => {
      unsubscribe?.();
      await service.stop();
    },
    status: () => service.status(),
  };
}
