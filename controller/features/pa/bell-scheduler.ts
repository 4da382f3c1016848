import type { Db } from '../../store/database.ts';
import { CodedError } from '../../core/message-catalog.ts';
import { localTime } from '../access/decide.ts';
import { type BellSchedule, bellsDue } from './bell-schedule.ts';

export interface BellRing {
  schedule: string;
  label: string;
  sound: string;
  zones: string[] | 'all';
}

/**
 * Rings the active schedule's bells from the local clock, with or without
 * the district link. The active schedule is switched in one step and kept
 * across restarts; each minute's bells ring once.
 */
export class BellScheduler {
  private timer?: NodeJS.Timeout;
  private lastMinute = '';

  constructor(
    private readonly db: Db,
    private readonly configured: BellSchedule[],
    private readonly defaultActive: string | undefined,
    private readonly timeZone: string,
    private readonly isHoliday: (date: string) => boolean,
    private readonly ring: (bell: BellRing) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The site file's schedules, as edited in the console since (the edits are kept in the store). */
  get schedules(): BellSchedule[] {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'bell_schedules'").get() as
      | { value: string }
      | undefined;
    return row ? JSON.parse(row.value) : this.configured;
  }

  /** Replaces one schedule (or adds it); the caller validates first. */
  save(schedule: BellSchedule): void {
    const list = this.schedules
      .filter((s) => s.id !== schedule.id)
      .concat(schedule)
      .sort((a, b) => a.id.localeCompare(b.id));
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('bell_schedules', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(list));
  }

  get active(): BellSchedule | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'bell_schedule_active'").get() as
      | { value: string }
      | undefined;
    const all = this.schedules;
    const id = row?.value ?? this.defaultActive ?? all[0]?.id;
    return all.find((s) => s.id === id);
  }

  setActive(id: string): void {
    if (!this.schedules.some((s) => s.id === id)) throw new CodedError('pa.schedule-unknown', { id });
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('bell_schedule_active', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(id);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 500);
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const at = localTime(this.now(), this.timeZone);
    const minute = `${at.date} ${at.minutes}`;
    if (minute === this.lastMinute) return;
    this.lastMinute = minute;
    const s = this.active;
    if (!s) return;
    for (const b of bellsDue(s, at, this.isHoliday(at.date))) {
      this.ring({ schedule: s.id, label: b.label ?? b.at, sound: b.sound, zones: b.zones });
    }
  }
}
