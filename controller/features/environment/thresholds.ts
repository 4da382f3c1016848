/** Threshold evaluation with hysteresis: pure, so it is tested on its own. */

export type Band = 'ok' | 'high' | 'low';

export interface Limit {
  point: string;
  min?: number;
  max?: number;
  /** The unit the limit is stated in; a reading in another unit is not compared. */
  unit?: string;
  /** How far back inside the limit a value must come before the alarm clears. */
  hysteresis: number;
  /** The averaging time of the limit, if it has one; the instantaneous value is then an early warning. */
  window_s?: number;
  /** Where the limit comes from: a standard, or `site` for an override. */
  standard: string;
  /** Judged only in lesson hours (classroom lighting). */
  lessonHoursOnly?: boolean;
}

export function nextBand(previous: Band, value: number, limit: Limit): Band {
  const { min, max, hysteresis } = limit;
  if (max !== undefined && value > max) return 'high';
  if (min !== undefined && value < min) return 'low';
  if (previous === 'high' && max !== undefined && value > max - hysteresis) return 'high';
  if (previous === 'low' && min !== undefined && value < min + hysteresis) return 'low';
  return 'ok';
}
