import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** systemd's side of sd_notify: a datagram socket (socat) that keeps what the service sends. */
export class NotifySocket {
  readonly path: string;
  readonly received: string[] = [];
  private proc: ChildProcess | null = null;

  constructor(dir: string) {
    this.path = join(dir, 'notify.sock');
  }

  async listen(): Promise<void> {
    // One child per datagram prints it and a "--" line, so messages of several lines stay whole.
    const proc = spawn('socat', ['-u', `UNIX-RECVFROM:${this.path},fork,unlink-early`, 'SYSTEM:cat; echo; echo --'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n--\n');
      buffer = parts.pop()!;
      this.received.push(...parts);
    });
    this.proc = proc;
    const deadline = Date.now() + 5000;
    while (!existsSync(this.path)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error('socat did not open the notify socket');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  count(state: string): number {
    return this.received.filter((m) => m.split('\n').includes(state)).length;
  }

  close(): void {
    this.proc?.kill();
  }
}
