import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from './ports.ts';

const bin = fileURLToPath(new URL('../../bin/campus-edge.js', import.meta.url));

export interface ProcessOptions {
  /** The controller command; the source tree through Node when absent. */
  command?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** The controller as its own process, the way systemd runs it, so a test can kill -9 it. */
export class ControllerProcess {
  private proc: ChildProcess | null = null;
  output = '';

  constructor(
    private readonly siteFile: string,
    private readonly consolePort: number,
    private readonly opts: ProcessOptions = {},
  ) {}

  async start(): Promise<void> {
    const [cmd, ...pre] = this.opts.command ?? [process.execPath, bin];
    const proc = spawn(cmd!, [...pre, 'run', '--config', this.siteFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info', ...this.opts.env },
    });
    proc.stdout!.on('data', (d) => {
      this.output += d;
    });
    proc.stderr!.on('data', (d) => {
      this.output += d;
    });
    this.proc = proc;
    await waitFor(
      'the controller to serve /api/health',
      async () => {
        if (proc.exitCode !== null) throw new Error(`controller exited ${proc.exitCode}: ${this.output}`);
        return fetch(`http://127.0.0.1:${this.consolePort}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      this.opts.startTimeoutMs ?? 20_000,
      100,
    );
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Whether the process started last is still running. */
  get alive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resident memory in MB, from /proc. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  }

  /** Resolves with the exit code, or the signal's name when it was killed. */
  kill(signal: NodeJS.Signals): Promise<number | string | null> {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return Promise.resolve(null);
    if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
    return new Promise((resolve) => {
      proc.once('exit', (code, sig) => resolve(code ?? sig));
      proc.kill(signal);
    });
  }
}
