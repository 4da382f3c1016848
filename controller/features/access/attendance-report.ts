import type { Cardholder, DayAttendance } from './types.ts';

/**
 * Attendance reports from the passages table: who came on a day, each class's count, each
 * person's month. Pure: the caller reads the rows and says which days the school was open.
 * "Present" means at least one entry that day; a person is counted absent only on a school day.
 */

export type ReportPerson = Pick<Cardholder, 'id' | 'name' | 'class' | 'kind'>;

export interface DayRow extends ReportPerson {
  present: boolean;
  firstIn: number | null;
  lastOut: number | null;
  entries: number;
  exits: number;
}
export interface ClassRow {
  class: string;
  enrolled: number;
  present: number;
  absent: number;
  /** Names of those absent, sorted. */
  absentees: string[];
}
export interface MonthRow extends ReportPerson {
  schoolDays: number;
  present: number;
  absent: number;
  /** School days with no entry. */
  absentDays: string[];
}

const byClassThenName = (a: ReportPerson, b: ReportPerson) =>
  (a.class ?? '').localeCompare(b.class ?? '', 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN');

/** Every person, present or not, with their passages on that day. */
export function dayReport(people: readonly ReportPerson[], rows: readonly DayAttendance[]): DayRow[] {
  const seen = new Map(rows.map((r) => [r.cardholderId, r]));
  return [...people].sort(byClassThenName).map((p) => {
    const r = seen.get(p.id);
    return {
      ...p,
      present: (r?.entries ?? 0) > 0,
      firstIn: r?.firstIn ?? null,
      lastOut: r?.lastOut ?? null,
      entries: r?.entries ?? 0,
      exits: r?.exits ?? 0,
    };
  });
}

/** Per class: how many are enrolled, present and absent, and who is absent. People without a class are left out. */
export function classReport(people: readonly ReportPerson[], rows: readonly DayAttendance[]): ClassRow[] {
  const classes = new Map<string, ClassRow>();
  for (const d of dayReport(people, rows)) {
    if (!d.class) continue;
    const c = classes.get(d.class) ?? { class: d.class, enrolled: 0, present: 0, absent: 0, absentees: [] };
    c.enrolled++;
    if (d.present) c.present++;
    else {
      c.absent++;
      c.absentees.push(d.name);
    }
    classes.set(d.class, c);
  }
  return [...classes.values()].sort((a, b) => a.class.localeCompare(b.class, 'zh-CN'));
}

/** Per person over the given school days: days present, days absent and which. */
export function monthReport(
  people: readonly ReportPerson[],
  rows: readonly DayAttendance[],
  schoolDays: readonly string[],
): MonthRow[] {
  const open = new Set(schoolDays);
  const came = new Map<string, Set<string>>();
  for (const r of rows)
    if (r.entries > 0 && open.has(r.day)) came.set(r.cardholderId, (came.get(r.cardholderId) ?? new Set()).add(r.day));
  return [...people].sort(byClassThenName).map((p) => {
    const days = came.get(p.id) ?? new Set<string>();
    const absentDays = schoolDays.filter((d) => !days.has(d));
    return { ...p, schoolDays: schoolDays.length, present: days.size, absent: absentDays.length, absentDays };
  });
}

/** Every date of a month (YYYY-MM) up to `until` (YYYY-MM-DD), as YYYY-MM-DD. */
export function daysOfMonth(month: string, until: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const out: string[] = [];
  for (let d = 1; d <= last; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    if (day > until) break;
    out.push(day);
  }
  return out;
}

/** Monday to Friday, unless the access list names the day a holiday. */
export const isSchoolDay = (day: string, isHoliday: (day: string) => boolean): boolean => {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isHoliday(day);
};
