import type { Db } from './database.ts';
import type { Reading, StoredEvent } from '../core/types.ts';

export interface SeriesPoint {
  ts: number;
  value: number;
  span: number;
}

/**
 * A per-point index of telemetry for the console charts, written in the
 * commit transaction of the telemetry events it comes from.
 */
export class ReadingsIndex {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO readings (device, room, point, ts, value) VALUES (?, ?, ?, ?, ?)');
  }

  onTransaction = (events: readonly StoredEvent[]): void => {
    for (const e of events) {
      if (e.topic !== 'telemetry') continue;
      for (const r of e.data.readings as Reading[]) {
        if (r.quality === 'good') this.insert.run(e.source, e.data.room, r.point, e.ts, r.value);
      }
    }
  };

  series(room: string, point: string, from: number, to: number): SeriesPoint[] {
    return this.db
      .prepare(
        'SELECT ts, value, span FROM readings WHERE room = ? AND point = ? AND ts BETWEEN ? AND ? ORDER BY ts LIMIT 5000',
      )
      .all(room, point, from, to) as SeriesPoint[];
  }

  /** One device's point since a time, oldest first (downsampled rows as their bucket's mean). */
  since(device: string, point: string, from: number): { ts: number; value: number }[] {
    return this.db
      .prepare('SELECT ts, value FROM readings WHERE device = ? AND point = ? AND ts >= ? ORDER BY ts')
      .all(device, point, from) as { ts: number; value: number }[];
  }

  /** One device's newest good value of each point, if newer than `from`. */
  deviceLatest(device: string, from: number): { point: string; ts: number; value: number }[] {
    return this.db
      .prepare(
        'SELECT point, max(ts) AS ts, value FROM readings WHERE device = ? AND ts >= ? GROUP BY point ORDER BY point',
      )
      .all(device, from) as { point: string; ts: number; value: number }[];
  }

  /** The newest value of every point in every room. */
  latest(): { room: string; device: string; point: string; ts: number; value: number }[] {
    return this.db
      .prepare(
        `SELECT r.room, r.device, r.point, r.ts, r.value FROM readings r
       JOIN (SELECT room, point, max(ts) AS ts FROM readings WHERE ts > ? GROUP BY room, point) m
         ON m.room = r.room AND m.point = r.point AND m.ts = r.ts`,
      )
      .all(Date.now() - 86_400_000) as never;
  }
}
