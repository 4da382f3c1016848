import type { Cardholder, Decision, Direction, GateMode, GateRule, Interval, Schedule } from './types.ts';

/** Local wall-clock time of the school, as the schedules are written. */
export interface LocalTime {
  date: string;
  weekday: number;
  minutes: number;
}

export function localTime(ms: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant a school day (YYYY-MM-DD) begins in the school's time zone. */
export function dayStart(day: string, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  let at = wall;
  // Twice: the offset at the first guess may differ from the offset at midnight (a DST change).
  for (let i = 0; i < 2; i++) {
    const t = localTime(at, timeZone);
    at -= Date.parse(`${t.date}T00:00:00Z`) + t.minutes * 60_000 - wall;
  }
  return at;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const inInterval = (t: LocalTime, i: Interval) =>
  i.days.includes(t.weekday) && t.minutes >= toMinutes(i.from) && t.minutes < toMinutes(i.to);

export function scheduleAllows(s: Schedule, t: LocalTime, holiday: boolean): boolean {
  if (holiday && !s.onHolidays) return false;
  return s.intervals.some((i) => inInterval(t, i));
}

export interface DecisionInput {
  card: string;
  gateId: string;
  direction: Direction;
  mode: GateMode;
  at: LocalTime;
  antiPassback: boolean;
}

/** What the decision reads; the allowlist provides it from memory. */
export interface DecisionData {
  byCard(card: string): Cardholder | undefined;
  rulesFor(gateId: string): readonly GateRule[];
  schedule(id: string): Schedule | undefined;
  isHoliday(date: string): boolean;
  /** The cardholder's last direction through any gate today, for anti-passback. */
  lastDirection(cardholderId: string): Direction | undefined;
}

/**
 * The access decision. Pure and in memory, so the gate command goes out at
 * once; the record of it follows in the next group commit.
 */
export function decide(input: DecisionInput, data: DecisionData): Decision {
  const holder = data.byCard(input.card);
  if (input.mode === 'locked') return { granted: false, cardholder: holder ?? null, reason: 'gate-locked' };
  if (!holder) return { granted: false, cardholder: null, reason: 'unknown-card' };
  if (input.mode === 'free') return { granted: true, cardholder: holder, reason: 'free-passage' };
  if (!holder.enabled) return { granted: false, cardholder: holder, reason: 'disabled' };
  if (holder.validFrom && input.at.date < holder.validFrom)
    return { granted: false, cardholder: holder, reason: 'not-yet-valid' };
  if (holder.validTo && input.at.date > holder.validTo)
    return { granted: false, cardholder: holder, reason: 'expired' };
  const rules = data.rulesFor(input.gateId).filter((r) => holder.groups.includes(r.groupId));
  if (!rules.length) return { granted: false, cardholder: holder, reason: 'no-rule' };
  const holiday = data.isHoliday(input.at.date);
  const allowed = rules.some((r) => {
    const s = data.schedule(r.scheduleId);
    return s !== undefined && scheduleAllows(s, input.at, holiday);
  });
  if (!allowed) return { granted: false, cardholder: holder, reason: 'outside-schedule' };
  if (input.antiPassback && data.lastDirection(holder.id) === input.direction) {
    return { granted: false, cardholder: holder, reason: 'anti-passback' };
  }
  return { granted: true, cardholder: holder, reason: 'granted' };
}
