import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { connect, type TLSSocket } from 'node:tls';
import type { Logger } from '../core/logger.ts';
import type { Db } from '../store/database.ts';
import { octetFrame, syslogMessage } from './syslog-message.ts';

export interface SyslogConfig {
  host: string;
  port: number;
  ca: string;
  cert?: string;
  key?: string;
  servername?: string;
}

const POLL_MS = 1000;
const BATCH = 200;
const RETRY_MAX_MS = 30_000;

interface LinkRow {
  n: number;
  part: 'start' | 'end';
  hash: string;
  id: number;
  ts: number;
  actor: string;
  actor_kind: string;
  command: string;
  args: string;
  ok: number | null;
  result: string | null;
  done_ts: number | null;
}

/**
 * Sends every audit link, in chain order, to a syslog receiver over TLS (RFC 5425). Where it got
 * to is kept in the store, so a restart or an outage resumes there. Syslog over TLS has no
 * acknowledgement: a message in flight when the link drops may be lost to the receiver; the
 * district's copy over MQTT is the one that is acknowledged.
 */
export class SyslogForwarder {
  private socket: TLSSocket | null = null;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  stats = { sent: 0, connects: 0, lastError: null as string | null };

  constructor(
    private readonly db: Db,
    private readonly config: SyslogConfig,
    private readonly identity: { school: string; gateway: string },
    private readonly log: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.end();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const socket = this.socket ?? (await this.connect());
      const rows = this.pending();
      for (const r of rows) {
        const text = JSON.stringify({
          command: r.command,
          args: JSON.parse(r.args),
          ...(r.part === 'end' ? { ok: r.ok === 1, result: r.result ? JSON.parse(r.result) : null } : {}),
        });
        socket.write(
          octetFrame(
            syslogMessage({
              ts: r.part === 'end' ? (r.done_ts ?? r.ts) : r.ts,
              hostname: hostname(),
              appName: 'campus-edge',
              procId: process.pid,
              msgId: r.part === 'end' ? 'audit-end' : 'audit',
              ok: r.part === 'end' ? r.ok === 1 : null,
              sd: {
                school: this.identity.school,
                gateway: this.identity.gateway,
                auditId: r.id,
                link: r.n,
                hash: r.hash,
                actor: `${r.actor_kind}:${r.actor}`,
              },
              text,
            }),
          ),
        );
      }
      if (rows.length) {
        await new Promise<void>((resolve, reject) => socket.write('', (err) => (err ? reject(err) : resolve())));
        this.db
          .prepare(
            "INSERT INTO meta (key, value) VALUES ('syslog_cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          )
          .run(String(rows.at(-1)!.n));
        this.stats.sent += rows.length;
      }
      this.failures = 0;
      this.schedule(rows.length === BATCH ? 0 : POLL_MS);
    } catch (err) {
      this.stats.lastError = (err as Error).message;
      this.socket?.destroy();
      this.socket = null;
      if (this.failures++ === 0)
        this.log.warn(
          { err: (err as Error).message, host: this.config.host },
          'syslog receiver unreachable; the audit waits in the store',
        );
      this.schedule(Math.min(RETRY_MAX_MS, 500 * 2 ** this.failures) * (0.5 + Math.random() / 2));
    }
  }

  private pending(): LinkRow[] {
    const cursor = Number(
      (this.db.prepare("SELECT value FROM meta WHERE key = 'syslog_cursor'").get() as { value: string } | undefined)
        ?.value ?? 0,
    );
    return this.db
      .prepare(
        `SELECT c.n, c.part, c.hash, a.* FROM audit_chain c JOIN audit a ON a.id = c.audit_id WHERE c.n > ? ORDER BY c.n LIMIT ?`,
      )
      .all(cursor, BATCH) as LinkRow[];
  }

  private connect(): Promise<TLSSocket> {
    const c = this.config;
    return new Promise((resolve, reject) => {
      let up = false;
      const s = connect(
        {
          // SNI takes names only; an address is checked against the certificate's IP entries all the same.
          host: c.host,
          port: c.port,
          ca: readFileSync(c.ca),
          servername: c.servername ?? (isIP(c.host) ? undefined : c.host),
          ...(c.cert && c.key ? { cert: readFileSync(c.cert), key: readFileSync(c.key) } : {}),
        },
        () => {
          up = true;
          this.stats.connects++;
          this.socket = s;
          resolve(s);
        },
      );
      s.on('error', (err) => {
        this.stats.lastError = err.message;
        if (this.socket === s) this.socket = null;
        if (!up) reject(err);
      });
      s.once('close', () => {
        if (this.socket === s) this.socket = null;
      });
      s.setTimeout(30_000, () => s.destroy(new Error('syslog receiver timed out')));
    });
  }
}
