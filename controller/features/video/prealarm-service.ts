import { join } from 'node:path';
import type { SiteConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { StoredEvent } from '../../core/types.ts';
import type { MediaStore } from '../../store/media-store.ts';
import { cutClip } from './clip-cutter.ts';
import { PrealarmRing } from './prealarm-ring.ts';
import { segmentsFor } from './prealarm-window.ts';

/** A segment closes at the keyframe after its end: wait this much past `after_s` so the last one is in. */
const SETTLE_MS = 2500;

/**
 * Pre-alarm video (GB/T 29315, the police alarm centres' rules): every camera linked to an
 * emergency button keeps its last seconds; a press cuts, for each linked camera, a clip from
 * `before_s` before it to `after_s` after, stores it within its budget, and records it (file,
 * duration, SHA-256, how far back it reaches) against the alarm.
 */
export class PrealarmService {
  private readonly rings = new Map<string, PrealarmRing>();
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly d: {
      site: SiteConfig;
      config: NonNullable<SiteConfig['video']['prealarm']>;
      dataDir: string;
      clips: MediaStore;
      streamUrl(camera: string): string | null;
      pipeline: Pipeline;
      alarms: AlarmManager;
      log: Logger;
      /** Cameras that linkage rules cut clips from, besides the buttons' own. */
      ruleCameras: readonly string[];
    },
  ) {}

  private linked(button: { camera: string; cameras?: string[] }): string[] {
    return [...new Set(button.cameras ?? [button.camera])];
  }

  private get config() {
    return this.d.config;
  }

  start(): void {
    const keepMs = (this.config.before_s + this.config.after_s) * 1000 + 2 * SETTLE_MS + 5000;
    const cameras = [...this.d.site.emergency_buttons.flatMap((b) => this.linked(b)), ...this.d.ruleCameras];
    for (const camera of new Set(cameras)) {
      const ring = new PrealarmRing(
        camera,
        () => this.d.streamUrl(camera),
        join(this.d.dataDir, 'prealarm', camera),
        keepMs,
        this.d.log,
      );
      this.rings.set(camera, ring);
      ring.start();
    }
  }

  onRecords(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type !== 'alarm.raised') continue;
      const alarm = e.data.alarm as { id: string; key: string; type: string; source: string; raisedAt: number };
      if (alarm.type !== 'emergency.button') continue;
      const button = this.d.site.emergency_buttons.find((b) => b.id === alarm.source);
      if (!button) continue;
      void this.cut(alarm, this.linked(button));
    }
  }

  /**
   * Cuts a clip per camera once `after_s` has passed: what a press does, and a linkage rule's clip
   * step. Resolves with how many were cut; a camera that keeps no buffer gets none.
   */
  async cut(
    alarm: { id: string; key: string; source: string; raisedAt: number },
    cameras: readonly string[],
  ): Promise<{ ok: boolean; detail: string }> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(timer);
          resolve();
        },
        Math.max(0, alarm.raisedAt + this.config.after_s * 1000 + SETTLE_MS - Date.now()),
      );
      this.pending.add(timer);
    });
    const done = await Promise.all(cameras.map((camera) => this.clip(alarm, camera)));
    const cut = done.filter(Boolean).length;
    return { ok: cut === cameras.length, detail: `${cut} of ${cameras.length} clips cut` };
  }

  private async clip(
    alarm: { id: string; key: string; source: string; raisedAt: number },
    camera: string,
  ): Promise<boolean> {
    const ring = this.rings.get(camera);
    const pressAt = alarm.raisedAt;
    const record = (data: Record<string, unknown>, ok: boolean) =>
      this.d.pipeline.emit({
        topic: 'events/video',
        type: 'alarm.clip',
        source: camera,
        severity: ok ? 'info' : 'warning',
        data: { alarm: alarm.key, alarmId: alarm.id, button: alarm.source, camera, ok, ...data },
      });
    try {
      const segs = segmentsFor(
        ring?.segments ?? [],
        pressAt - this.config.before_s * 1000,
        pressAt + this.config.after_s * 1000,
      );
      const { mp4, durationS } = await cutClip(segs);
      const ref = this.d.clips.save(`${alarm.id}-${camera}`, mp4, new Date(pressAt));
      const clip = {
        camera,
        file: ref.file,
        bytes: ref.bytes,
        sha256: ref.sha256,
        durationS: Math.round(durationS * 100) / 100,
        beforeS: Math.round((pressAt - segs[0]!.startMs) / 100) / 10,
      };
      record(clip, true);
      this.d.alarms.attach(alarm.id, 'clips', clip);
      return true;
    } catch (err) {
      this.d.log.warn({ camera, alarm: alarm.key, err: (err as Error).message }, 'pre-alarm clip not cut');
      record({ detail: (err as Error).message }, false);
      return false;
    }
  }

  stop(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const r of this.rings.values()) r.stop();
  }
}
