import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

const RESTART_MS = 5000;

/**
 * An ffmpeg that is kept running on a camera's stream: started again 5 s after it ends (the
 * camera rebooted, the network dropped), until stopped. `args` is asked each time, since the
 * camera's address can change; null waits for it.
 */
export class KeptFfmpeg {
  private ffmpeg: ChildProcess | null = null;
  private restart: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly args: () => string[] | null,
    private readonly hooks: {
      stdout?: (out: Readable) => void;
      /** It ended on its own, with the end of what it wrote on stderr; it is started again in 5 s. */
      ended: (code: number | null, stderr: string) => void;
    },
  ) {}

  get running(): boolean {
    return this.ffmpeg !== null;
  }

  start(): void {
    this.stopped = false;
    this.run();
  }

  private run(): void {
    if (this.stopped) return;
    const args = this.args();
    if (!args) {
      this.restart = setTimeout(() => this.run(), RESTART_MS);
      return;
    }
    const ff = spawn('ffmpeg', ['-v', 'error', ...args], {
      stdio: ['ignore', this.hooks.stdout ? 'pipe' : 'ignore', 'pipe'],
    });
    this.ffmpeg = ff;
    if (this.hooks.stdout) this.hooks.stdout(ff.stdout!);
    let stderr = '';
    ff.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-300);
    });
    ff.once('exit', (code) => {
      if (this.ffmpeg !== ff) return;
      this.ffmpeg = null;
      if (this.stopped) return;
      this.hooks.ended(code, stderr.trim());
      this.restart = setTimeout(() => this.run(), RESTART_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.restart) clearTimeout(this.restart);
    const ff = this.ffmpeg;
    this.ffmpeg = null;
    ff?.kill('SIGKILL');
  }
}
