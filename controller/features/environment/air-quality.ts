import type { Limit } from './thresholds.ts';

export type Season = 'summer' | 'winter';

const H = 3600;

/**
 * GB/T 18883-2022 indoor air limits, each with the averaging time the standard
 * gives it: HCHO 0.08 mg/m³ and CO2 0.10 % (1000 ppm) as 1 h means, TVOC
 * 0.60 mg/m³ as an 8 h mean, PM2.5 50 and PM10 100 µg/m³ as 24 h means. The
 * standard gives the thermal parameters (temperature, humidity by season) no
 * averaging time, so they are compared as read. GB 7793-2010: a classroom desk
 * needs at least 300 lx, judged only in lesson hours (see wire.ts).
 * A point is compared only when its reading is in the unit stated here.
 */
export function standardLimits(season: Season): Limit[] {
  const gbt = 'GB/T 18883-2022';
  return [
    { point: 'co2', max: 1000, unit: 'ppm', hysteresis: 50, window_s: H, standard: gbt },
    { point: 'pm25', max: 50, unit: 'µg/m³', hysteresis: 5, window_s: 24 * H, standard: gbt },
    { point: 'pm10', max: 100, unit: 'µg/m³', hysteresis: 10, window_s: 24 * H, standard: gbt },
    { point: 'hcho', max: 0.08, unit: 'mg/m³', hysteresis: 0.01, window_s: H, standard: gbt },
    { point: 'tvoc', max: 0.6, unit: 'mg/m³', hysteresis: 0.05, window_s: 8 * H, standard: gbt },
    season === 'summer'
      ? { point: 'temperature', min: 22, max: 28, unit: '°C', hysteresis: 0.5, standard: gbt }
      : { point: 'temperature', min: 16, max: 24, unit: '°C', hysteresis: 0.5, standard: gbt },
    season === 'summer'
      ? { point: 'humidity', min: 40, max: 80, unit: '%RH', hysteresis: 2, standard: gbt }
      : { point: 'humidity', min: 30, max: 60, unit: '%RH', hysteresis: 2, standard: gbt },
    { point: 'illuminance', min: 300, unit: 'lx', hysteresis: 20, standard: 'GB 7793-2010', lessonHoursOnly: true },
  ];
}

/** May to October, the site file's default. */
export const DEFAULT_SUMMER_MONTHS: readonly number[] = [5, 6, 7, 8, 9, 10];

export function seasonAt(date: Date, summerMonths: readonly number[]): Season {
  return summerMonths.includes(date.getMonth() + 1) ? 'summer' : 'winter';
}

/** Site overrides replace the standard's values point by point; what an override leaves out stays the standard's. */
export function mergeLimits(base: Limit[], overrides: readonly Partial<Limit>[]): Limit[] {
  const byPoint = new Map(base.map((l) => [l.point, l]));
  for (const o of overrides) {
    const b = byPoint.get(o.point!);
    byPoint.set(o.point!, { ...(b ?? { hysteresis: 0, standard: 'site' }), ...o, standard: 'site' } as Limit);
  }
  return [...byPoint.values()];
}
