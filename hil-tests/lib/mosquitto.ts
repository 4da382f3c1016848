import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

export interface TlsFiles { ca: string; cert: string; key: string }

/**
 * A real Mosquitto (Debian's) on a loopback port, with persistence so that a
 * stop and start keeps queued messages, as a production broker would.
 */
export class Mosquitto {
  private proc: ChildProcess | null = null;
  port = 0;
  log = '';

  constructor(private readonly dir: string, private readonly tls?: TlsFiles & { requireCertificate: boolean }) {}

  async start(): Promise<void> {
    this.port ||= await freePort();
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${this.dir}/`,
      'autosave_interval 1',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'user root',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ];
    if (this.tls) {
      lines.push(`cafile ${this.tls.ca}`, `certfile ${this.tls.cert}`, `keyfile ${this.tls.key}`,
        `require_certificate ${this.tls.requireCertificate}`, 'use_identity_as_username false');
    }
    writeFileSync(conf, lines.join('\n') + '\n');
    const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (d) => { this.log += d; });
    this.proc = proc;
    await waitFor('mosquitto to listen', () => (proc.exitCode !== null ? Promise.reject(new Error(`mosquitto exited: ${this.log}`)) : canConnect(this.port)), 10_000);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM'); });
  }

  get url(): string { return `${this.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`; }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
