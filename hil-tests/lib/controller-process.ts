import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './ports.ts';

const bin = fileURLToPath(new URL('../../bin/campus-edge.js', import.meta.url));

/** The controller as its own process, the way systemd runs it, so a test can kill -9 it. */
export class ControllerProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(private readonly siteFile: string, private readonly consolePort: number) {}

  async start(): Promise<void> {
    const proc = spawn(process.execPath, [bin, 'run', '--config', this.siteFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } });
    proc.stdout!.on('data', (d) => { this.output += d; });
    proc.stderr!.on('data', (d) => { this.output += d; });
    this.proc = proc;
    await waitFor('the controller to serve /api/health', async () => {
      if (proc.exitCode !== null) throw new Error(`controller exited ${proc.exitCode}: ${this.output}`);
      return fetch(`http://127.0.0.1:${this.consolePort}/api/health`).then((r) => r.ok, () => false);
    }, 20_000, 100);
  }

  get pid(): number | undefined { return this.proc?.pid; }

  kill(signal: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => { proc.once('exit', () => resolve()); proc.kill(signal); });
  }
}
