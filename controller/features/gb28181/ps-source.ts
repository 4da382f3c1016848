import { type ChildProcess, execFile, spawn } from 'node:child_process';
import type { Logger } from '../../core/logger.ts';
import { rtspVideoCopy } from '../../../drivers/video/rtsp-copy.ts';
import { type AccessUnit, AccessUnitSplitter, type VideoCodec } from './annexb.ts';

export interface PictureListener {
  picture(au: AccessUnit, pts90k: number, codec: VideoCodec): void;
  /** The camera's stream ended (the camera failed, or it was stopped): the session ends cleanly. */
  ended(reason: string): void;
}

/** Which codec the camera sends: asked of ffprobe before the stream is pulled. */
function probeCodec(url: string): Promise<VideoCodec> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      [
        '-v',
        'error',
        '-rtsp_transport',
        'tcp',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=codec_name',
        '-of',
        'csv=p=0',
        url,
      ],
      { timeout: 10_000 },
      (err, out) => {
        const name = String(out).trim();
        if (err || !name)
          reject(new Error(`the camera's stream could not be read${err ? `: ${err.message.split('\n')[0]}` : ''}`));
        else if (name === 'h264' || name === 'hevc') resolve(name === 'h264' ? 'h264' : 'h265');
        else reject(new Error(`the camera sends ${name}; platforms take H.264 or H.265`));
      },
    );
  });
}

/**
 * One camera's video for every platform watching it: one RTSP pull (ffmpeg copies the video as
 * it is, no transcoding, with access unit delimiters inserted), cut into pictures and handed to
 * each listener. It starts with the first listener and stops with the last.
 */
export class PsSource {
  private readonly listeners = new Set<PictureListener>();
  private ffmpeg: ChildProcess | null = null;
  private starting: Promise<void> | null = null;
  /** The codec found the last time: the next pull starts without asking ffprobe again (a second saved). */
  private codec: VideoCodec | null = null;

  constructor(
    private readonly camera: string,
    private readonly url: () => string | null,
    private readonly log: Logger,
  ) {}

  get watching(): number {
    return this.listeners.size;
  }

  async add(l: PictureListener): Promise<void> {
    this.listeners.add(l);
    if (!this.ffmpeg && !this.starting) this.starting = this.start().finally(() => (this.starting = null));
    await this.starting;
  }

  remove(l: PictureListener): void {
    this.listeners.delete(l);
    if (!this.listeners.size) this.stop();
  }

  private async start(): Promise<void> {
    const url = this.url();
    if (!url) throw new Error(`camera ${this.camera} has no stream yet`);
    const codec = this.codec ?? (await probeCodec(url));
    this.codec = codec;
    let pictures = 0;
    const split = new AccessUnitSplitter(codec);
    const ff = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        ...rtspVideoCopy(url),
        '-bsf:v',
        codec === 'h264' ? 'h264_mp4toannexb,h264_metadata=aud=insert' : 'hevc_mp4toannexb,hevc_metadata=aud=insert',
        '-f',
        codec === 'h264' ? 'h264' : 'hevc',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.ffmpeg = ff;
    let stderr = '';
    ff.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-500);
    });
    ff.stdout!.on('data', (chunk: Buffer) => {
      // Live: the picture's time is when it came, on the 90 kHz clock.
      const pts = Math.floor(performance.now() * 90) % 2 ** 33;
      for (const au of split.push(chunk)) {
        pictures++;
        for (const l of this.listeners) l.picture(au, pts, codec);
      }
    });
    ff.once('exit', (code) => {
      if (this.ffmpeg !== ff) return;
      this.ffmpeg = null;
      // Not one picture: the camera may have changed codec; the next pull asks ffprobe again.
      if (!pictures) this.codec = null;
      const reason = `the camera's stream ended (ffmpeg ${code}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''})`;
      this.log.info({ camera: this.camera, reason }, 'gb28181: camera stream ended');
      for (const l of [...this.listeners]) l.ended(reason);
      this.listeners.clear();
    });
  }

  stop(): void {
    const ff = this.ffmpeg;
    this.ffmpeg = null;
    ff?.kill('SIGKILL');
  }
}
