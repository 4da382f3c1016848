import { mkdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KeptFfmpeg } from '../../../drivers/video/kept-ffmpeg.ts';
import { rtspVideoCopy } from '../../../drivers/video/rtsp-copy.ts';
import type { Logger } from '../../core/logger.ts';
import { parseSegmentList, type Segment } from './prealarm-window.ts';

/**
 * One camera's last seconds, always: ffmpeg copies its stream (no transcoding) into segments
 * of about a second, each starting at a keyframe; segments older than `keepMs` are deleted.
 * A segment's wall-clock time is when ffmpeg closed it, less its length.
 */
export class PrealarmRing {
  readonly segments: Segment[] = [];
  private readonly ffmpeg: KeptFfmpeg;
  private timer: NodeJS.Timeout | null = null;
  private next = 0;

  constructor(
    readonly camera: string,
    private readonly url: () => string | null,
    private readonly dir: string,
    private readonly keepMs: number,
    log: Logger,
  ) {
    this.ffmpeg = new KeptFfmpeg(() => this.args(), {
      ended: (code, stderr) => {
        this.scan();
        log.warn({ camera, code, stderr }, 'pre-alarm buffer: the camera stream ended; again in 5 s');
      },
    });
  }

  start(): void {
    // What an earlier run left has no wall-clock times: it cannot be placed, so it goes.
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    this.ffmpeg.start();
    this.timer = setInterval(() => this.scan(), 250);
  }

  private args(): string[] | null {
    const url = this.url();
    if (!url) return null;
    return [
      ...rtspVideoCopy(url),
      '-f',
      'segment',
      '-segment_time',
      '1',
      '-segment_format',
      'mpegts',
      '-segment_list',
      join(this.dir, 'list.csv'),
      '-segment_list_type',
      'csv',
      '-segment_list_size',
      '8',
      '-segment_start_number',
      String(this.next),
      '-reset_timestamps',
      '1',
      join(this.dir, 'seg-%08d.ts'),
    ];
  }

  /** New closed segments get their wall-clock times; old ones are deleted. */
  private scan(): void {
    const now = Date.now();
    let listed: ReturnType<typeof parseSegmentList> = [];
    try {
      listed = parseSegmentList(readFileSync(join(this.dir, 'list.csv'), 'utf8'));
    } catch {
      // Not written yet.
    }
    for (const l of listed) {
      const n = Number(/(\d+)\.ts$/.exec(l.file)?.[1]);
      if (n < this.next) continue;
      this.next = n + 1;
      this.segments.push({ file: join(this.dir, l.file), startMs: now - l.durationS * 1000, endMs: now });
    }
    while (this.segments.length && this.segments[0]!.endMs < now - this.keepMs) {
      const old = this.segments.shift()!;
      try {
        unlinkSync(old.file);
      } catch {
        // Already gone.
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.ffmpeg.stop();
  }
}
