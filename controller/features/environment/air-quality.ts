import type { Limit } from './thresholds.ts';

export type Season = 'summer' | 'winter';

/**
 * GB/T 18883 indoor air limits. CO2 is 0.10 % (1000 ppm); temperature and
 * humidity depend on the season; PM2.5 uses the 24 h value of 50 ug/m3.
 */
export function gbt18883Limits(season: Season): Limit[] {
  return [
    { point: 'co2', max: 1000, hysteresis: 50 },
    { point: 'pm25', max: 50, hysteresis: 5 },
    season === 'summer'
      ? { point: 'temperature', min: 22, max: 28, hysteresis: 0.5 }
      : { point: 'temperature', min: 16, max: 24, hysteresis: 0.5 },
    season === 'summer'
      ? { point: 'humidity', min: 40, max: 80, hysteresis: 2 }
      : { point: 'humidity', min: 30, max: 60, hysteresis: 2 },
  ];
}

/** May to October, the site file's default. */
export const DEFAULT_SUMMER_MONTHS: readonly number[] = [5, 6, 7, 8, 9, 10];

export function seasonAt(date: Date, summerMonths: readonly number[]): Season {
  return summerMonths.includes(date.getMonth() + 1) ? 'summer' : 'winter';
}

/** Site overrides replace the standard's values point by point. */
export function mergeLimits(base: Limit[], overrides: readonly Limit[]): Limit[] {
  const byPoint = new Map(base.map((l) => [l.point, l]));
  for (const o of overrides) byPoint.set(o.point, o);
  return [...byPoint.values()];
}
