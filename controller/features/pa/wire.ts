import { PaDriver } from '../../../drivers/pa/pa-driver.ts';
import { CodedError } from '../../core/message-catalog.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { BellScheduler } from './bell-scheduler.ts';
import { registerPaCommands } from './pa-commands.ts';
import { LiveInputs } from './live-inputs.ts';
import { PaService } from './pa-service.ts';

/** Public address and class bells: one broadcast at a time by priority, zone relays, the bell timetable. */
export function wire(
  ctx: FeatureContext,
): Feature & { service: PaService; bells: BellScheduler; soundsDir: string | null; live: LiveInputs } {
  const c = ctx.site.config;
  const soundsDir = c.pa.sounds_dir ? ctx.sitePath(c.pa.sounds_dir) : null;
  const service = new PaService(
    c.pa.zones,
    ctx.pipeline,
    (source, destinations) => {
      const audio = ctx.devices.get('pa', 'audio');
      if (!audio) throw new CodedError('pa.no-output');
      return audio.play(source, destinations);
    },
    async (zones, on) => {
      await Promise.all(zones.map((z) => ctx.devices.get(z.id, 'relay')?.set(on)));
    },
  );
  const bells = new BellScheduler(
    ctx.db,
    c.pa.schedules,
    c.pa.active_schedule,
    c.school.timezone,
    (d) => ctx.allowlist.isHoliday(d),
    (bell) =>
      void ctx.commands.execute(
        { name: 'pa.bell', args: { label: bell.label, sound: bell.sound, zones: bell.zones } },
        { kind: 'schedule', name: bell.schedule },
      ),
  );
  const live = new LiveInputs();
  registerPaCommands(
    ctx.commands,
    service,
    bells,
    soundsDir,
    c.pa.zones.map((z) => z.id),
    live,
  );
  return {
    name: 'pa',
    service,
    bells,
    soundsDir,
    live,
    drivers: [new PaDriver(c.pa.zones, (bus) => ctx.modbus.get(bus))],
    start: () => bells.start(),
    status: () => ({ playing: service.playing?.label ?? null, schedule: bells.active?.id ?? null }),
    stop: () => {
      bells.stop();
      service.stop();
    },
  };
}
