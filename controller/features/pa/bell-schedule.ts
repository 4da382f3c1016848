import type { SiteConfig } from '../../config/types.ts';
import type { LocalTime } from '../access/decide.ts';

/** Bell schedules (summer, winter, exam day): pure validation and the next bell. */

export type BellSchedule = SiteConfig['pa']['schedules'][number];
export type Bell = BellSchedule['bells'][number];

export interface ScheduleProblem {
  schedule: string;
  bell: number | null;
  message: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Times must be valid, days 1–7, and no two bells of a schedule may ring at the same minute on the same day. */
export function validateSchedules(schedules: readonly BellSchedule[], zones: readonly string[]): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  const ids = new Set<string>();
  for (const s of schedules) {
    if (ids.has(s.id)) problems.push({ schedule: s.id, bell: null, message: 'duplicate schedule id' });
    ids.add(s.id);
    const taken = new Map<string, number>();
    s.bells.forEach((b, i) => {
      if (!HHMM.test(b.at)) problems.push({ schedule: s.id, bell: i, message: `time "${b.at}" is not HH:MM` });
      if (!b.days.length || b.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
        problems.push({ schedule: s.id, bell: i, message: 'days must be 1 (Monday) to 7' });
      if (b.zones !== 'all')
        for (const z of b.zones)
          if (!zones.includes(z)) problems.push({ schedule: s.id, bell: i, message: `no zone "${z}"` });
      for (const d of b.days) {
        const key = `${d}@${b.at}`;
        if (taken.has(key))
          problems.push({
            schedule: s.id,
            bell: i,
            message: `rings at ${b.at} on day ${d} like bell ${taken.get(key)}`,
          });
        else taken.set(key, i);
      }
    });
  }
  return problems;
}

/** The bells due at this minute of the local day; none on a holiday. */
export function bellsDue(schedule: BellSchedule, at: LocalTime, holiday: boolean): Bell[] {
  if (holiday) return [];
  return schedule.bells.filter((b) => b.days.includes(at.weekday) && minutesOf(b.at) === at.minutes);
}
