import type { Feature, FeatureContext } from '../feature.ts';
import type { PrealarmService } from '../video/prealarm-service.ts';
import { AlarmOutputs } from './alarm-outputs.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { LinkageService } from './linkage-service.ts';
import { siteRules } from './rule-match.ts';

/** Linkage rules (联动) run on every raised alarm, and the alarm outputs they switch. */
export function wire(ctx: FeatureContext, prealarm: PrealarmService | null): Feature {
  const c = ctx.site.config;
  const outputs = new AlarmOutputs(c.outputs, ctx.modbus, ctx.pipeline);
  outputs.register(ctx.commands);
  const rules = siteRules(c.linkage, DEFAULT_RULES);
  const service = new LinkageService({
    rules,
    site: c,
    pipeline: ctx.pipeline,
    alarms: ctx.alarms,
    commands: ctx.commands,
    clip: prealarm && ((alarm, cameras) => prealarm.cut(alarm, cameras)),
    placeOf: (id) =>
      c.video.cameras.find((x) => x.id === id)?.location ?? c.devices.find((x) => x.id === id)?.room ?? null,
    log: ctx.log,
  });
  let unsubscribe: (() => void) | null = null;
  return {
    name: 'linkage',
    start: () => {
      unsubscribe = ctx.pipeline.onCommitted((events) => service.onRecords(events));
    },
    stop: async () => {
      unsubscribe?.();
      await service.stop();
      await outputs.stop();
    },
    status: () => ({ rules: rules.filter((r) => r.enabled).map((r) => r.id), outputsOn: [...outputs.on] }),
  };
}
