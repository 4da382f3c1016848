import { EnvSensorDriver } from '../../../drivers/modbus/env-sensor-driver.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { EnvironmentMonitor } from './environment-monitor.ts';

/** Classroom air: Modbus sensors polled, readings checked against the limits, alarms raised and cleared. */
export function wire(ctx: FeatureContext): Feature {
  const { config, profiles } = ctx.site;
  const monitor = new EnvironmentMonitor(ctx.alarms, {
    summerMonths: config.environment.summer_months,
    overrides: config.environment.limits,
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
