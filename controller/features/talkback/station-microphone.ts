import type { Readable } from 'node:stream';
import { KeptFfmpeg } from '../../../drivers/video/kept-ffmpeg.ts';
import type { Logger } from '../../core/logger.ts';

/** 20 ms of 8 kHz 16-bit mono: one RTP packet's worth. */
export const FRAME_BYTES = 320;

/**
 * A talk-back station's microphone, always open: ffmpeg takes the audio of its RTSP stream (the
 * intercom's or the camera's), decoded to 8 kHz linear PCM, so that a call has sound the moment
 * it is answered rather than after an RTSP set-up. Frames go to whoever listens; none, nowhere.
 */
export class StationMicrophone {
  private readonly listeners = new Set<(frame: Buffer) => void>();
  private readonly ffmpeg: KeptFfmpeg;
  private pending: Buffer = Buffer.alloc(0);
  frames = 0;

  constructor(
    readonly camera: string,
    url: () => string | null,
    log: Logger,
  ) {
    this.ffmpeg = new KeptFfmpeg(
      () => {
        const u = url();
        if (!u) return null;
        return [
          // Live audio, unprobed: a call must not wait seconds for ffmpeg to look at its input.
          '-fflags',
          'nobuffer',
          '-probesize',
          '32',
          '-analyzeduration',
          '0',
          '-rtsp_transport',
          'tcp',
          '-allowed_media_types',
          'audio',
          '-i',
          u,
          '-map',
          '0:a:0',
          '-ac',
          '1',
          '-ar',
          '8000',
          '-f',
          's16le',
          '-flush_packets',
          '1',
          'pipe:1',
        ];
      },
      {
        stdout: (out: Readable) => out.on('data', (d: Buffer) => this.data(d)),
        ended: (code, stderr) =>
          log.warn({ camera, code, stderr }, 'talk-back microphone: the station stream ended; again in 5 s'),
      },
    );
  }

  get open(): boolean {
    return this.ffmpeg.running && this.frames > 0;
  }

  private data(d: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    let at = 0;
    for (; at + FRAME_BYTES <= this.pending.length; at += FRAME_BYTES) {
      this.frames++;
      const frame = this.pending.subarray(at, at + FRAME_BYTES);
      for (const l of this.listeners) l(frame);
    }
    this.pending = Buffer.from(this.pending.subarray(at));
  }

  listen(fn: (frame: Buffer) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.ffmpeg.start();
  }

  stop(): void {
    this.ffmpeg.stop();
  }
}
