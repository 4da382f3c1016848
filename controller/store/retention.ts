import type { Db } from './database.ts';
import type { AlarmManager } from '../core/alarms.ts';
import type { Pipeline } from '../core/pipeline.ts';
import { Lane } from '../core/types.ts';

export interface RetentionPolicy {
  urgentDays: number;
  eventDays: number;
  telemetryDays: number;
  downsampleAfterHours: number;
  bucketMinutes: number;
  diskBudgetBytes: number;
}

export interface RetentionReport {
  expired: number;
  downsampled: number;
  evictedDelivered: number;
  evictedUndelivered: number;
  usedBytes: number;
  overBudget: boolean;
}

const DAY = 86_400_000;
const CHUNK = 2000;

/**
 * Age-based retention and the disk budget. Under pressure telemetry goes
 * first (delivered, then downsampled, then undelivered, which is recorded);
 * alarms and access records are never evicted: a full store raises an alarm.
 */
export class Retention {
  constructor(
    private readonly db: Db,
    private readonly pipeline: Pipeline,
    private readonly alarms: AlarmManager,
    private readonly policy: RetentionPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  run(): RetentionReport {
    const now = this.now();
    const p = this.policy;
    const report: RetentionReport = {
      expired: 0,
      downsampled: 0,
      evictedDelivered: 0,
      evictedUndelivered: 0,
      usedBytes: 0,
      overBudget: false,
    };
    // Only delivered urgent and event records expire by age; undelivered ones wait for the link.
    report.expired += this.db
      .prepare('DELETE FROM events WHERE lane = ? AND delivered = 1 AND ts < ?')
      .run(Lane.urgent, now - p.urgentDays * DAY).changes;
    report.expired += this.db
      .prepare('DELETE FROM events WHERE lane = ? AND delivered = 1 AND ts < ?')
      .run(Lane.event, now - p.eventDays * DAY).changes;
    report.expired += this.db
      .prepare('DELETE FROM events WHERE lane = ? AND delivered = 1 AND ts < ?')
      .run(Lane.telemetry, now - p.telemetryDays * DAY).changes;
    // Telemetry that waited out its retention undelivered (a long outage, or the clock stepping forward) goes too, on the record.
    const aged = (
      this.db
        .prepare('SELECT seq FROM events WHERE lane = ? AND delivered = 0 AND ts < ? ORDER BY seq')
        .raw()
        .all(Lane.telemetry, now - p.telemetryDays * DAY) as [number][]
    ).map((r) => r[0]);
    report.expired += this.db.prepare('DELETE FROM readings WHERE ts < ?').run(now - p.telemetryDays * DAY).changes;
    report.expired += this.db
      .prepare('DELETE FROM alarms WHERE active = 0 AND acked_at IS NOT NULL AND raised_at < ?')
      .run(now - p.urgentDays * DAY).changes;
    report.expired += this.db.prepare('DELETE FROM passages WHERE ts < ?').run(now - p.urgentDays * DAY).changes;
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now);
    report.downsampled = this.downsample(now - p.downsampleAfterHours * 3_600_000);

    report.evictedDelivered = this.evictWhileOver(
      'SELECT seq FROM events WHERE lane = 2 AND delivered = 1 ORDER BY seq LIMIT ?',
      'events',
    );
    if (this.overBudget()) report.downsampled += this.downsample(now - 3_600_000);
    this.evictWhileOver('SELECT rowid FROM readings ORDER BY ts LIMIT ?', 'readings');
    this.deleteEvents(aged);
    const undelivered = [
      ...aged,
      ...this.collectWhileOver('SELECT seq FROM events WHERE lane = 2 AND delivered = 0 ORDER BY seq LIMIT ?'),
    ];
    if (undelivered.length) {
      report.evictedUndelivered = undelivered.length;
      this.pipeline.emit({
        topic: 'events/system',
        type: 'storage.telemetry-evicted',
        source: 'store',
        severity: 'warning',
        data: {
          count: undelivered.length,
          firstSeq: undelivered.reduce((a, b) => Math.min(a, b)),
          lastSeq: undelivered.reduce((a, b) => Math.max(a, b)),
          aged: aged.length,
        },
      });
    }
    report.usedBytes = this.usedBytes();
    report.overBudget = report.usedBytes > p.diskBudgetBytes;
    if (report.overBudget) {
      this.alarms.raise({
        key: 'storage.full',
        type: 'storage.full',
        source: 'store',
        severity: 'critical',
        message: 'Local store is over its disk budget with only alarms and access records left',
        data: { usedBytes: report.usedBytes, budgetBytes: p.diskBudgetBytes },
      });
    } else {
      this.alarms.clear('storage.full');
    }
    if (report.evictedDelivered || report.evictedUndelivered || report.expired > CHUNK)
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    return report;
  }

  /** Whether the store has outgrown its budget: cheap, so it can be asked often. */
  overBudget(): boolean {
    return this.usedBytes() > this.policy.diskBudgetBytes;
  }

  private deleteEvents(seqs: number[]): void {
    for (let i = 0; i < seqs.length; i += CHUNK)
      this.db.prepare(`DELETE FROM events WHERE seq IN (${seqs.slice(i, i + CHUNK).join(',')})`).run();
  }

  /** Replaces raw readings older than the cutoff by per-bucket means. */
  private downsample(cutoff: number): number {
    const bucket = this.policy.bucketMinutes * 60_000;
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO readings (device, room, point, ts, value, span)
         SELECT device, room, point, CAST(ts / @bucket AS INTEGER) * @bucket, avg(value), @bucket
         FROM readings WHERE span = 0 AND ts < @cutoff GROUP BY device, room, point, CAST(ts / @bucket AS INTEGER)`,
        )
        .run({ bucket, cutoff });
      return this.db.prepare('DELETE FROM readings WHERE span = 0 AND ts < ?').run(cutoff).changes;
    })();
  }

  private evictWhileOver(select: string, table: 'events' | 'readings'): number {
    return this.collectWhileOver(select, table).length;
  }

  /** Deletes chunk by chunk what `select` picks until the store fits its budget. */
  private collectWhileOver(select: string, table: 'events' | 'readings' = 'events'): number[] {
    const key = table === 'events' ? 'seq' : 'rowid';
    const removed: number[] = [];
    while (this.overBudget()) {
      const ids = (this.db.prepare(select).raw().all(CHUNK) as [number][]).map((r) => r[0]);
      if (!ids.length) break;
      this.db.prepare(`DELETE FROM ${table} WHERE ${key} IN (${ids.join(',')})`).run();
      removed.push(...ids);
    }
    return removed;
  }
}
