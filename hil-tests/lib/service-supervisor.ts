import { type ChildProcess, spawn } from 'node:child_process';

/**
 * What systemd does for the unit with Restart=always: starts the command, and starts it again
 * whenever it exits, until stopped. Keeps every start's exit code and the combined output.
 */
export class ServiceSupervisor {
  readonly exits: (number | string)[] = [];
  output = '';
  starts = 0;
  private proc: ChildProcess | null = null;
  private stopped = false;

  constructor(
    private readonly command: string[],
    private readonly env: Record<string, string>,
    private readonly restartMs = 300,
  ) {}

  start(): void {
    const [cmd, ...args] = this.command;
    this.starts++;
    const proc = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    proc.stdout!.on('data', (d) => {
      this.output += d;
    });
    proc.stderr!.on('data', (d) => {
      this.output += d;
    });
    proc.once('exit', (code, signal) => {
      this.exits.push(code ?? signal ?? 'unknown');
      this.proc = null;
      if (!this.stopped)
        setTimeout(() => {
          if (!this.stopped) this.start();
        }, this.restartMs);
    });
    this.proc = proc;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const proc = this.proc;
    if (!proc) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}
