import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Logger } from '../core/logger.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { StoredEvent } from '../core/types.ts';
import type { Db } from '../store/database.ts';
import type { MediaStore } from '../store/media-store.ts';

/** The topic under the gateway's base that carries clip parts (docs/uplink-contract.md). */
export const CLIP_TOPIC = 'media/clips';

export interface ClipPart {
  clip: string;
  alarmId: string;
  alarm: string;
  camera: string;
  contentType: 'video/mp4';
  size: number;
  sha256: string;
  part: number;
  parts: number;
  offset: number;
  partSha256: string;
  /** The part's bytes, base64: every uplink payload is JSON. */
  data: string;
  gateway: string;
  ts: string;
}

interface UploadRow {
  file: string;
  alarm_id: string;
  alarm: string;
  camera: string;
  bytes: number;
  sha256: string;
  part_size: number;
  next_part: number;
  queued_at: number;
}

export interface ClipUploadStatus {
  queued: number;
  sending: { file: string; part: number; parts: number } | null;
  sent: number;
  lastError: string | null;
}

/** The part of the uplink the sender needs: to know it is free, and to publish with an acknowledgement. */
export interface MediaLink {
  readonly idle: boolean;
  publishDirect(subtopic: string, payload: string): Promise<void>;
}

const WAIT_MS = 200;
/** A clip record lost between its commit and its queueing (a crash) is found again this far back. */
const RECOVER_MS = 7 * 24 * 3600_000;

/**
 * Sends each alarm clip to the district in parts on {base}/media/clips at QoS1, one part in flight,
 * only while no record waits, within a rate. The part the broker last acknowledged is stored, so a
 * send cut by an outage or a restart resumes there: at least once, like every record.
 */
export class ClipUploader {
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;
  readonly status: ClipUploadStatus = { queued: 0, sending: null, sent: 0, lastError: null };

  constructor(
    private readonly d: {
      db: Db;
      link: MediaLink;
      clips: MediaStore;
      pipeline: Pipeline;
      gateway: string;
      partBytes: number;
      bytesPerSecond: number;
      log: Logger;
    },
  ) {
    this.unsubscribe = d.pipeline.onCommitted((events) => {
      if (this.queue(events)) this.wake?.();
    });
  }

  start(): void {
    const since = Date.now() - RECOVER_MS;
    this.queue(this.d.pipeline.log.search({ type: 'alarm.clip', from: since, limit: 1000 }));
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.stopped = true;
    this.wake?.();
    // A part waiting for a PUBACK from a broker that is gone ends when the uplink closes, after this.
    await Promise.race([this.running, new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** Queues the clips among these records; true when one was new. */
  private queue(events: readonly StoredEvent[]): boolean {
    let added = false;
    const insert = this.d.db.prepare(
      `INSERT OR IGNORE INTO clip_uploads (file, alarm_id, alarm, camera, bytes, sha256, part_size, queued_at)
       VALUES (@file, @alarmId, @alarm, @camera, @bytes, @sha256, @partSize, @at)`,
    );
    for (const e of events) {
      if (e.type !== 'alarm.clip' || e.data.ok !== true) continue;
      const r = insert.run({
        file: e.data.file,
        alarmId: e.data.alarmId,
        alarm: e.data.alarm,
        camera: e.data.camera,
        bytes: e.data.bytes,
        sha256: e.data.sha256,
        partSize: this.d.partBytes,
        at: e.ts,
      });
      added ||= r.changes > 0;
    }
    if (added) this.status.queued = this.pending().length;
    return added;
  }

  private pending(): UploadRow[] {
    return this.d.db
      .prepare('SELECT * FROM clip_uploads WHERE done_at IS NULL ORDER BY queued_at, file')
      .all() as UploadRow[];
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const [row] = this.pending();
      this.status.queued = row ? this.pending().length : 0;
      if (!row) {
        this.status.sending = null;
        await this.pause(60_000);
        continue;
      }
      await this.send(row);
    }
  }

  private async send(row: UploadRow): Promise<void> {
    const parts = Math.max(1, Math.ceil(row.bytes / row.part_size));
    const path = this.d.clips.pathOf(row.file);
    let fd: number;
    try {
      if (!path) throw new Error('not a clip file');
      fd = openSync(path, 'r');
    } catch (err) {
      // Evicted by the clip budget before the district had it: say so, once, and move on.
      this.finish(row, parts, { ok: false, detail: (err as Error).message });
      return;
    }
    try {
      for (let part = row.next_part; part < parts && !this.stopped; ) {
        this.status.sending = { file: row.file, part, parts };
        if (!this.d.link.idle) {
          await this.pause(WAIT_MS);
          continue;
        }
        const offset = part * row.part_size;
        const bytes = Buffer.alloc(Math.min(row.part_size, row.bytes - offset));
        readSync(fd, bytes, 0, bytes.length, offset);
        const started = Date.now();
        const payload: ClipPart = {
          clip: row.file,
          alarmId: row.alarm_id,
          alarm: row.alarm,
          camera: row.camera,
          contentType: 'video/mp4',
          size: row.bytes,
          sha256: row.sha256,
          part,
          parts,
          offset,
          partSha256: createHash('sha256').update(bytes).digest('hex'),
          data: bytes.toString('base64'),
          gateway: this.d.gateway,
          ts: new Date().toISOString(),
        };
        try {
          await this.d.link.publishDirect(CLIP_TOPIC, JSON.stringify(payload));
        } catch (err) {
          this.status.lastError = (err as Error).message;
          await this.pause(1000);
          continue;
        }
        if (this.stopped) return;
        part++;
        this.d.db.prepare('UPDATE clip_uploads SET next_part = ? WHERE file = ?').run(part, row.file);
        this.status.lastError = null;
        const due = (bytes.length / this.d.bytesPerSecond) * 1000 - (Date.now() - started);
        if (due > 0) await this.pause(due);
      }
      if (!this.stopped) this.finish(row, parts, { ok: true });
    } finally {
      closeSync(fd);
    }
  }

  private finish(row: UploadRow, parts: number, outcome: { ok: boolean; detail?: string }): void {
    this.d.db.prepare('UPDATE clip_uploads SET done_at = ? WHERE file = ?').run(Date.now(), row.file);
    if (outcome.ok) this.status.sent++;
    else this.d.log.warn({ file: row.file, detail: outcome.detail }, 'alarm clip not sent to the district');
    this.d.pipeline.emit({
      topic: 'events/video',
      type: 'clip.uploaded',
      source: row.camera,
      severity: outcome.ok ? 'info' : 'warning',
      data: {
        file: row.file,
        alarmId: row.alarm_id,
        alarm: row.alarm,
        camera: row.camera,
        bytes: row.bytes,
        sha256: row.sha256,
        parts,
        seconds: Math.round((Date.now() - row.queued_at) / 100) / 10,
        ...outcome,
      },
    });
  }
}
