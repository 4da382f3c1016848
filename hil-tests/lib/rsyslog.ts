import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

/**
 * Debian's rsyslog as a syslog receiver over TLS (RFC 5425, its GnuTLS driver), writing what it
 * gets to a file, one line a message: MSGID, structured data, text.
 */
export class Rsyslog {
  private proc: ChildProcess | null = null;
  port = 0;
  readonly out: string;

  constructor(
    private readonly dir: string,
    private readonly tls: { ca: string; cert: string; key: string },
  ) {
    mkdirSync(join(dir, 'work'), { recursive: true });
    this.out = join(dir, 'received.log');
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const conf = join(this.dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      `
global(workDirectory="${join(this.dir, 'work')}"
  DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${this.tls.ca}"
  DefaultNetstreamDriverCertFile="${this.tls.cert}" DefaultNetstreamDriverKeyFile="${this.tls.key}")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" port="${this.port}" address="127.0.0.1")
template(name="line" type="string" string="%msgid%|%structured-data%|%msg%\\n")
*.* action(type="omfile" file="${this.out}" template="line")
`,
    );
    const proc = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', join(this.dir, 'rsyslog.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout!.on('data', (d) => {
      output += d;
    });
    proc.stderr!.on('data', (d) => {
      output += d;
    });
    this.proc = proc;
    await waitFor(
      'rsyslog to listen',
      async () => {
        if (proc.exitCode !== null) throw new Error(`rsyslogd exited ${proc.exitCode}: ${output}`);
        return new Promise<boolean>((resolve) => {
          const s = connect(this.port, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            resolve(true);
          });
          s.once('error', () => resolve(false));
        });
      },
      10_000,
      100,
    );
  }

  lines(): string[] {
    return existsSync(this.out) ? readFileSync(this.out, 'utf8').split('\n').filter(Boolean) : [];
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise((r) => {
      p.once('exit', r);
      p.kill('SIGTERM');
    });
  }
}
