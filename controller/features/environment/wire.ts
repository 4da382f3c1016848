import { EnvSensorDriver } from '../../../drivers/modbus/env-sensor-driver.ts';
import { inInterval, localTime } from '../access/decide.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { EnvironmentMonitor } from './environment-monitor.ts';

/** Classroom air: Modbus sensors polled, readings checked against the limits, alarms raised and cleared. */
export function wire(ctx: FeatureContext): Feature {
  const { config, profiles } = ctx.site;
  const { lesson_hours } = config.environment;
  const monitor = new EnvironmentMonitor(ctx.alarms, {
    summerMonths: config.environment.summer_months,
    overrides: config.environment.limits,
    inLessonHours: (ts) => {
      const local = localTime(ts, config.school.timezone);
      return lesson_hours.some((i) => inInterval(local, i));
    },
    history: (device, point, from) => ctx.readings.since(device, point, from),
  });
  ctx.pipeline.onCommitted(monitor.onCommitted);
  const drivers = config.buses.flatMap((bus) => {
    const sensors = config.devices
      .filter((d) => d.bus === bus.id)
      .map((c) => ({ config: c, profile: profiles.get(c.profile)! }))
      .filter((d) => d.profile.kind === 'env-sensor');
    const link = ctx.modbus.get(bus.id);
    return sensors.length && link ? [new EnvSensorDriver(link, sensors)] : [];
  });
  return { name: 'environment', drivers };
}
