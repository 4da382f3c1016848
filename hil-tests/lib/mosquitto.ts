import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface BrokerOptions {
  tls?: TlsFiles & { requireCertificate: boolean };
  /** Username to password; when given, anonymous clients are refused. */
  users?: Record<string, string>;
  /** Lines of an ACL file (`user`, `topic`, `pattern`). */
  acl?: string[];
}

/**
 * A real Mosquitto (Debian's) on a loopback port, with persistence so that a
 * stop and start keeps queued messages, as a production broker would.
 */
export class Mosquitto {
  private proc: ChildProcess | null = null;
  port = 0;
  log = '';

  constructor(
    private readonly dir: string,
    private readonly opts: BrokerOptions = {},
  ) {}

  /** Starts the broker; a no-op while it runs, so cleanup after a fault can call it safely. */
  async start(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) return;
    this.port ||= await freePort();
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      `allow_anonymous ${!this.opts.users}`,
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
    if (this.opts.users) {
      const file = join(this.dir, 'passwords');
      writeFileSync(file, '', { mode: 0o600 });
      for (const [user, password] of Object.entries(this.opts.users))
        execFileSync('mosquitto_passwd', ['-b', file, user, password]);
      lines.push(`password_file ${file}`);
    }
    if (this.opts.acl) {
      writeFileSync(join(this.dir, 'acl'), `${this.opts.acl.join('\n')}\n`);
      lines.push(`acl_file ${join(this.dir, 'acl')}`);
    }
    const { tls } = this.opts;
    if (tls) {
      lines.push(
        `cafile ${tls.ca}`,
        `certfile ${tls.cert}`,
        `keyfile ${tls.key}`,
        `require_certificate ${tls.requireCertificate}`,
        'use_identity_as_username false',
      );
    }
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.on('data', (d) => {
      this.log += d;
    });
    this.proc = proc;
    await waitFor(
      'mosquitto to listen',
      () =>
        proc.exitCode !== null ? Promise.reject(new Error(`mosquitto exited: ${this.log}`)) : canConnect(this.port),
      10_000,
    );
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get url(): string {
    return `${this.opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
