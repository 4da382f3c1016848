import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A pair of connected pseudo-terminals from socat: the controller opens one
 * end as its RS-485 port, a simulator the other. Stopping socat is an unplug;
 * starting it again with the same links is a replug.
 */
export class PtyPair {
  readonly controllerEnd: string;
  readonly deviceEnd: string;
  private proc: ChildProcess | null = null;

  constructor(dir: string, name: string) {
    this.controllerEnd = join(dir, `${name}-ctl`);
    this.deviceEnd = join(dir, `${name}-dev`);
  }

  async plug(): Promise<void> {
    const proc = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.controllerEnd}`, `pty,raw,echo=0,link=${this.deviceEnd}`],
      { stdio: 'ignore' },
    );
    this.proc = proc;
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.controllerEnd) && existsSync(this.deviceEnd))) {
      if (proc.exitCode !== null || Date.now() > deadline)
        throw new Error('socat did not create the pty pair (is socat installed?)');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async unplug(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
    while (existsSync(this.controllerEnd)) await new Promise((r) => setTimeout(r, 10));
  }
}
