import { type ChildProcess, spawn } from 'node:child_process';
import { backoffDelay } from '../../controller/core/backoff.ts';
import type { Viewer } from '../contract.ts';
import { avcCodec, BoxSplitter, startsWithKeyframe } from './mp4-boxes.ts';

export interface LiveStreamEvents {
  lost(detail: string): void;
  restored(): void;
}

const IDLE_STOP_MS = 10_000;
const FRAGMENT_US = 100_000;

/** Transcoding is the fallback for codecs the browser cannot play; it is CPU-heavy, so only one runs at a time. */
let transcoders = 0;
export const MAX_TRANSCODERS = 1;
/** H.264 for live: the cheapest preset, no lookahead, a keyframe a second at 25 fps (where viewers join). */
export const LOW_LATENCY_H264 = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-g',
  '25',
  '-pix_fmt',
  'yuv420p',
];
const QUEUE_POLL_MS = 1000;
const QUEUED = JSON.stringify({ kind: 'queued', reason: 'transcoder-busy' });

/**
 * One camera's live view, shared by all its viewers: ffmpeg pulls the RTSP
 * stream and remuxes H.264 to fragmented MP4 without transcoding (-c copy);
 * each viewer gets the init segment, then fragments from the next keyframe.
 * ffmpeg runs only while someone watches, and is restarted with backoff if
 * the stream is lost.
 */
export class LiveStream {
  private proc: ChildProcess | null = null;
  private readonly viewers = new Set<Viewer>();
  /** Viewers that have the init segment but wait for a fragment that starts on a keyframe. */
  private readonly waiting = new Set<Viewer>();
  private init: Buffer | null = null;
  private mime: string | null = null;
  private pendingMoof: Buffer | null = null;
  private attempts = 0;
  private idleTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private lost = false;
  /** Waiting for the transcoder another camera holds. */
  private queued = false;
  private transcoding = false;
  /** Set once a remux failed or gave no H.264: from then on this camera is transcoded. */
  private needsTranscode = false;
  readonly counters = { starts: 0, fragments: 0, bytes: 0, queued: 0 };

  get transcoded(): boolean {
    return this.transcoding;
  }

  /** The ffmpeg process's pid while it runs, for CPU accounting. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  constructor(
    readonly cameraId: string,
    private readonly url: () => string | null,
    private readonly events: LiveStreamEvents,
  ) {}

  get watching(): number {
    return this.viewers.size;
  }

  add(v: Viewer): void {
    clearTimeout(this.idleTimer);
    this.viewers.add(v);
    if (this.init && this.mime) this.greet(v);
    if (!this.proc && !this.retryTimer) this.start(this.needsTranscode);
  }

  remove(v: Viewer): void {
    this.viewers.delete(v);
    this.waiting.delete(v);
    if (!this.viewers.size) this.idleTimer = setTimeout(() => this.stop(), IDLE_STOP_MS);
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const p = this.proc;
    this.proc = null;
    p?.kill('SIGKILL');
    this.init = null;
  }

  close(): void {
    for (const v of this.viewers) v.close();
    this.viewers.clear();
    this.stop();
  }

  private greet(v: Viewer): void {
    v.send(JSON.stringify({ kind: 'init', mime: this.mime, transcoded: this.transcoding }));
    v.send(this.init!);
    this.waiting.add(v);
  }

  private start(transcode = false): void {
    const url = this.url();
    if (!url) {
      this.retry('no stream URI yet');
      return;
    }
    if (transcode && transcoders >= MAX_TRANSCODERS) {
      this.queue();
      return;
    }
    this.queued = false;
    this.transcoding = transcode;
    if (transcode) transcoders++;
    this.counters.starts++;
    // Passthrough timing: with a short probe the source rate may be unknown, and ffmpeg would duplicate frames to fill one in.
    const video = transcode ? [...LOW_LATENCY_H264, '-fps_mode', 'passthrough'] : ['-c:v', 'copy'];
    let gotInit = false;
    // Short fragments keep the view near live; a fragment also starts at every keyframe, where new viewers join.
    // Codec parameters come from the SDP, so probing can be short: every probed packet is latency.
    const proc = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-fflags',
        'nobuffer',
        '-analyzeduration',
        '200000',
        '-probesize',
        '65536',
        '-rtsp_transport',
        'tcp',
        '-i',
        url,
        '-an',
        ...video,
        '-f',
        'mp4',
        '-movflags',
        'frag_keyframe+empty_moov+default_base_moof',
        '-frag_duration',
        String(FRAGMENT_US),
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    const boxes = new BoxSplitter();
    let stderr = '';
    proc.stderr!.on('data', (d) => {
      stderr = (stderr + d).slice(-2000);
    });
    proc.stdout!.on('data', (chunk: Buffer) => {
      for (const box of boxes.push(chunk)) {
        if (box.type === 'moov') gotInit = true;
        this.onBox(box.type, box.bytes, transcode);
      }
    });
    proc.on('exit', (code) => {
      if (transcode) transcoders--;
      if (this.proc !== proc) return;
      this.proc = null;
      this.init = null;
      // A stream that cannot even be remuxed (MJPEG, H.265 in some builds) is transcoded from now on.
      if (!gotInit && !transcode) this.needsTranscode = true;
      this.retry(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
    });
  }

  private onBox(type: string, bytes: Buffer, transcoded: boolean): void {
    if (type === 'ftyp') {
      this.init = Buffer.from(bytes);
      return;
    }
    if (type === 'moov' && this.init) {
      const codec = avcCodec(bytes);
      if (!codec && !transcoded) {
        this.needsTranscode = true;
        this.stop();
        this.start(true);
        return;
      }
      this.init = Buffer.concat([this.init, bytes]);
      this.mime = `video/mp4; codecs="${codec ?? 'avc1.42E01E'}"`;
      this.attempts = 0;
      if (this.lost) {
        this.lost = false;
        this.events.restored();
      }
      for (const v of this.viewers) this.greet(v);
      return;
    }
    if (type === 'moof') {
      this.pendingMoof = Buffer.from(bytes);
      return;
    }
    if (type === 'mdat' && this.pendingMoof) {
      const key = startsWithKeyframe(this.pendingMoof);
      const fragment = Buffer.concat([this.pendingMoof, bytes]);
      this.pendingMoof = null;
      this.counters.fragments++;
      this.counters.bytes += fragment.length;
      for (const v of this.viewers) {
        if (this.waiting.has(v)) {
          if (!key) continue;
          this.waiting.delete(v);
        }
        v.send(fragment);
      }
    }
  }

  /**
   * The transcoder is taken: nothing is lost, the view waits its turn. The viewers are told why
   * and no stream-lost alarm is raised; it starts as soon as the other camera's transcode ends.
   */
  private queue(): void {
    if (!this.viewers.size) return;
    if (!this.queued) {
      this.queued = true;
      this.counters.queued++;
    }
    for (const v of this.viewers) v.send(QUEUED);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.viewers.size) this.start(true);
    }, QUEUE_POLL_MS);
  }

  private retry(detail: string): void {
    if (!this.viewers.size) return;
    if (!this.lost) {
      this.lost = true;
      this.events.lost(detail);
    }
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        if (this.viewers.size) this.start(this.needsTranscode);
      },
      backoffDelay(this.attempts++, 500, 15_000),
    );
  }
}
