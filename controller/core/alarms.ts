import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Pipeline } from './pipeline.ts';
import type { Severity, StoredEvent } from './types.ts';

export interface Alarm {
  id: string;
  key: string;
  type: string;
  source: string;
  severity: Severity;
  message: string;
  data: Record<string, unknown>;
  active: boolean;
  raisedAt: number;
  clearedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
}

export interface RaiseInput {
  /** Identifies the condition, e.g. `env:101:co2:high`; one open alarm per key. */
  key: string;
  type: string;
  source: string;
  severity: Severity;
  message: string;
  data?: Record<string, unknown>;
}

export interface AlarmQuery {
  limit: number;
  from?: number;
  to?: number;
  severity?: string;
  /** A type or a type's first part: `camera` is every camera alarm. */
  kind?: string;
  source?: string;
  room?: string;
}

/** An alarm stays open until it is both cleared and acknowledged. */
export const isOpen = (a: Alarm) => a.active || a.ackedAt === null;

interface AlarmRow {
  id: string;
  key: string;
  type: string;
  source: string;
  severity: string;
  message: string;
  data: string;
  active: number;
  raised_at: number;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
}

const fromRow = (r: AlarmRow): Alarm => ({
  id: r.id,
  key: r.key,
  type: r.type,
  source: r.source,
  severity: r.severity as Severity,
  message: r.message,
  data: JSON.parse(r.data),
  active: r.active === 1,
  raisedAt: r.raised_at,
  clearedAt: r.cleared_at,
  ackedAt: r.acked_at,
  ackedBy: r.acked_by,
});

/**
 * Raise, acknowledge and clear. Every change is an event on the `alarms`
 * topic; the alarms table is a projection of those events written in the same
 * transaction, so the table and the log can never disagree.
 */
export class AlarmManager {
  private readonly open = new Map<string, Alarm>();

  constructor(
    private readonly db: Db,
    private readonly pipeline: Pipeline,
    private readonly now: () => number = Date.now,
  ) {
    const upsert = db.prepare(
      `INSERT INTO alarms (id, key, type, source, severity, message, data, active, raised_at, cleared_at, acked_at, acked_by)
       VALUES (@id, @key, @type, @source, @severity, @message, @data, @active, @raisedAt, @clearedAt, @ackedAt, @ackedBy)
       ON CONFLICT (id) DO UPDATE SET active = excluded.active, cleared_at = excluded.cleared_at,
         acked_at = excluded.acked_at, acked_by = excluded.acked_by, raised_at = excluded.raised_at,
         message = excluded.message, data = excluded.data`,
    );
    pipeline.addTransactionHook((events: readonly StoredEvent[]) => {
      for (const e of events) {
        const a = e.data.alarm as Alarm | undefined;
        // Only alarm-lifecycle records project; anything else on the topic must not fail the commit.
        if (e.topic !== 'alarms' || typeof a !== 'object' || a === null || typeof a.id !== 'string') continue;
        upsert.run({ ...a, data: JSON.stringify(a.data), active: a.active ? 1 : 0 });
      }
    });
    const rows = db.prepare('SELECT * FROM alarms WHERE active = 1 OR acked_at IS NULL').all() as AlarmRow[];
    for (const r of rows) this.open.set(r.key, fromRow(r));
  }

  /** Raises the alarm unless one for the same key is already active. */
  raise(input: RaiseInput): Alarm {
    const existing = this.open.get(input.key);
    if (existing?.active) return existing;
    const now = this.now();
    const alarm: Alarm = existing
      ? { ...existing, active: true, clearedAt: null, raisedAt: now, message: input.message, data: input.data ?? {} }
      : {
          id: randomUUID(),
          key: input.key,
          type: input.type,
          source: input.source,
          severity: input.severity,
          message: input.message,
          data: input.data ?? {},
          active: true,
          raisedAt: now,
          clearedAt: null,
          ackedAt: null,
          ackedBy: null,
        };
    this.record(alarm, 'alarm.raised');
    return alarm;
  }

  /** An alarm that follows a condition: raised while it holds (built only then), cleared when it ends. */
  follow(active: boolean, key: string, raise: () => Omit<RaiseInput, 'key'>): void {
    if (active) this.raise({ key, ...raise() });
    else this.clear(key);
  }

  clear(key: string, detail?: Record<string, unknown>): Alarm | undefined {
    const existing = this.open.get(key);
    if (!existing?.active) return undefined;
    const alarm = { ...existing, active: false, clearedAt: this.now(), data: { ...existing.data, ...detail } };
    this.record(alarm, 'alarm.cleared');
    return alarm;
  }

  /**
   * Returns the updated alarm, or undefined when there is no open, unacknowledged alarm with that
   * id. A handling note ("checked on camera, a cleaner") stays with the alarm as `data.ackNote`.
   */
  acknowledge(id: string, by: string, note?: string): Alarm | undefined {
    const existing = [...this.open.values()].find((a) => a.id === id);
    if (!existing || existing.ackedAt !== null) return undefined;
    const data = note ? { ...existing.data, ackNote: note } : existing.data;
    const alarm = { ...existing, data, ackedAt: this.now(), ackedBy: by };
    this.record(alarm, 'alarm.acknowledged');
    return alarm;
  }

  /**
   * Adds one item to a list in the alarm's data (`clips`, `calls`, `timeline`): what was done about
   * it after it was raised, for the console and the district. An alarm already closed gets it too.
   */
  attach(id: string, list: string, item: Record<string, unknown>): Alarm | undefined {
    const open = [...this.open.values()].find((a) => a.id === id);
    const row = open
      ? undefined
      : (this.db.prepare('SELECT * FROM alarms WHERE id = ?').get(id) as AlarmRow | undefined);
    const current = open ?? (row && fromRow(row));
    if (!current) return undefined;
    const items = Array.isArray(current.data[list]) ? (current.data[list] as unknown[]) : [];
    const alarm = { ...current, data: { ...current.data, [list]: [...items, item] } };
    // A closed alarm's key may belong to a newer alarm by now: only the open one is tracked.
    if (open) this.record(alarm, 'alarm.updated');
    else this.emit(alarm, 'alarm.updated');
    return alarm;
  }

  openAlarms(): Alarm[] {
    return [...this.open.values()].sort((a, b) => b.raisedAt - a.raisedAt);
  }

  isActive(key: string): boolean {
    return this.open.get(key)?.active ?? false;
  }

  /** Alarms in every state, newest first, by time, severity, kind (a type prefix), device and room. */
  history(q: AlarmQuery): Alarm[] {
    const args: Record<string, unknown> = { limit: q.limit };
    const conditions: [keyof AlarmQuery, string][] = [
      ['from', 'raised_at >= @from'],
      ['to', 'raised_at <= @to'],
      ['severity', 'severity = @severity'],
      ['source', 'source = @source'],
      ['room', "json_extract(data, '$.room') = @room"],
    ];
    const where = conditions.flatMap(([field, sql]) => {
      if (q[field] === undefined || q[field] === '') return [];
      args[field] = q[field];
      return [sql];
    });
    if (q.kind) {
      where.push("(type = @kind OR type LIKE @kindPrefix ESCAPE '\\')");
      args.kind = q.kind;
      args.kindPrefix = `${q.kind.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
    }
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(args) as AlarmRow[]).map(fromRow);
  }

  private record(alarm: Alarm, type: string): void {
    if (isOpen(alarm)) this.open.set(alarm.key, alarm);
    else this.open.delete(alarm.key);
    this.emit(alarm, type);
  }

  private emit(alarm: Alarm, type: string): void {
    this.pipeline.emit({
      topic: 'alarms',
      type,
      source: alarm.source,
      severity: alarm.severity,
      data: { alarm },
    });
  }
}
