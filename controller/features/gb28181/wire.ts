import type { Feature, FeatureContext } from '../feature.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { Gb28181Gateway } from './gateway-service.ts';

/** The provincial and district platforms over GB/T 28181: present only when the site file has a gb28181 section. */
export function wire(
  ctx: FeatureContext,
  deps: { version: string; health: () => { id: string; health: string }[]; live: LiveInputs },
): Feature & { gateway: Gb28181Gateway | null } {
  const gb = ctx.site.config.gb28181;
  if (!gb) return { name: 'gb28181', gateway: null };
  const cameras = new Set(ctx.site.config.video.cameras.map((c) => c.id));
  const gateway = new Gb28181Gateway({
    site: ctx.site.config,
    gb,
    sitePath: ctx.sitePath,
    log: ctx.log,
    pipeline: ctx.pipeline,
    alarms: ctx.alarms,
    // ON only for a device the health policy has online; a PA zone has no health of its own and is ON.
    online: (device) => {
      const h = deps.health().find((x) => x.id === device);
      return h ? h.health === 'online' : !cameras.has(device);
    },
    version: deps.version,
    commands: ctx.commands,
    live: deps.live,
    snapshot: (camera) => {
      const cam = ctx.devices.get(camera, 'snapshot');
      return cam ? () => cam.snapshot() : null;
    },
    streamUrl: (camera) => ctx.devices.get(camera, 'camera')?.streamUrl() ?? null,
  });
  return {
    name: 'gb28181',
    gateway,
    start: () => gateway.start(),
    stop: () => gateway.stop(),
    status: () => ({ platforms: gateway.status(), sip: gateway.stats }),
  };
}
