import type { Db } from '../store/database.ts';
import type { AlarmManager } from './alarms.ts';
import type { Pipeline } from './pipeline.ts';
import type { HealthState } from './types.ts';

const PERSIST_OK_EVERY_MS = 60_000;

export interface DeviceHealthRow {
  id: string;
  kind: string;
  health: HealthState;
  detail: string | null;
  changed_at: number;
  last_ok_at: number | null;
}

/**
 * Current health of every device. A change is an event; going offline raises
 * a lost-communication alarm (GB 50396) that clears when the device is back.
 */
export class HealthRegistry {
  private readonly current = new Map<string, HealthState>();
  /** Last good answer per device, kept in memory: gates answer ten times a second, and eMMC should not pay for each. */
  private readonly lastOk = new Map<string, number>();
  private readonly lastPersisted = new Map<string, number>();
  private readonly upsert;
  private readonly touchOk;

  constructor(
    private readonly db: Db,
    private readonly pipeline: Pipeline,
    private readonly alarms: AlarmManager,
    private readonly now: () => number = Date.now,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO devices (id, kind, health, detail, changed_at, last_ok_at) VALUES (@id, @kind, @health, @detail, @ts, @okTs)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, health = excluded.health, detail = excluded.detail,
         changed_at = excluded.changed_at, last_ok_at = coalesce(excluded.last_ok_at, devices.last_ok_at)`,
    );
    this.touchOk = db.prepare('UPDATE devices SET last_ok_at = ? WHERE id = ?');
  }

  report(id: string, kind: string, health: HealthState, detail?: string): void {
    const ts = this.now();
    if (health === 'online') this.lastOk.set(id, ts);
    if (this.current.get(id) === health) {
      if (health === 'online' && ts - (this.lastPersisted.get(id) ?? 0) >= PERSIST_OK_EVERY_MS) {
        this.touchOk.run(ts, id);
        this.lastPersisted.set(id, ts);
      }
      return;
    }
    if (health === 'online') this.lastPersisted.set(id, ts);
    const previous = this.current.get(id) ?? null;
    this.current.set(id, health);
    this.upsert.run({ id, kind, health, detail: detail ?? null, ts, okTs: health === 'online' ? ts : null });
    // The first report after start-up is only news when it is bad.
    if (previous !== null || health !== 'online') {
      this.pipeline.emit({
        topic: 'events/device',
        type: 'device.health',
        source: id,
        severity: health === 'offline' ? 'warning' : 'info',
        data: { kind, health, previous, detail: detail ?? null },
      });
    }
    const key = `device.offline:${id}`;
    if (health === 'offline') {
      this.alarms.raise({
        key,
        type: 'device.offline',
        source: id,
        severity: 'major',
        message: `Lost communication with ${id}`,
        data: { kind, detail: detail ?? null },
      });
    } else if (health === 'online') {
      this.alarms.clear(key);
    }
  }

  list(): DeviceHealthRow[] {
    return (this.db.prepare('SELECT * FROM devices ORDER BY id').all() as DeviceHealthRow[]).map((d) => ({
      ...d,
      last_ok_at: this.lastOk.get(d.id) ?? d.last_ok_at,
    }));
  }
}
