// Serial reads wake on time on Node 22 and later (see serial-wakeup.ts).
import '../serial-wakeup.ts';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import type { ReaderConfig } from '../../controller/config/types.ts';
import type { Capabilities, DeviceHealth, Driver, DriverContext } from '../contract.ts';
import { decodeAsciiLine, decodeBinaryFrame, type WiegandRead } from './wiegand-codec.ts';

type WiegandReader = Extract<ReaderConfig, { type: 'wiegand-serial' }>;
const KIND = 'card-reader';
const MAX_LINE = 64;
/** How soon a port that would not open is tried again, before the health policy backs off. */
const REOPEN_MS = 200;

/**
 * A Wiegand reader behind a Wiegand-to-serial converter: ASCII lines or binary
 * frames per the reader's profile. Malformed input is counted and dropped; a
 * port that goes away is reopened with backoff.
 */
export class WiegandReaderDriver implements Driver {
  readonly kind = KIND;
  private ctx!: DriverContext;
  private health!: DeviceHealth;
  private port: SerialPort | null = null;
  private buf = Buffer.alloc(0);
  private attempts = 0;
  private timer?: NodeJS.Timeout;
  private running = false;
  readonly counters = { reads: 0, malformed: 0, reopens: 0 };

  constructor(private readonly reader: WiegandReader) {}

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    return new Map([[this.reader.id, {}]]);
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.health = ctx.device(this.reader.id, KIND);
    this.running = true;
    this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const p = this.port;
    this.port = null;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  }

  stats() {
    return { reader: this.reader.id, ...this.counters };
  }

  private open(): void {
    const port = new SerialPort({ path: this.reader.port, baudRate: this.reader.baud_rate, autoOpen: false });
    port.on('data', (d: Buffer) => this.onData(d));
    port.on('error', () => {});
    port.on('close', () => {
      if (this.port !== port || !this.running) return;
      this.port = null;
      this.retry(this.health.offline('serial port closed', REOPEN_MS));
    });
    port.open((err) => {
      if (!this.running) {
        if (!err) port.close();
        return;
      }
      if (err) {
        this.retry(this.health.failed(err.message, REOPEN_MS));
        return;
      }
      if (this.attempts > 0) this.counters.reopens++;
      this.attempts = 0;
      this.port = port;
      this.buf = Buffer.alloc(0);
      this.health.ok();
    });
  }

  private retry(waitMs: number): void {
    if (!this.running) return;
    this.attempts++;
    this.timer = setTimeout(() => this.open(), waitMs);
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    if (this.reader.framing === 'ascii') {
      let nl: number;
      while ((nl = this.buf.indexOf(0x0a)) >= 0) {
        const line = this.buf.subarray(0, nl).toString('latin1');
        this.buf = this.buf.subarray(nl + 1);
        if (line.trim()) this.decode(() => decodeAsciiLine(line, this.reader.format));
      }
      if (this.buf.length > MAX_LINE) {
        this.counters.malformed++;
        this.buf = Buffer.alloc(0);
      }
      return;
    }
    for (;;) {
      const stx = this.buf.indexOf(0x02);
      if (stx < 0) {
        if (this.buf.length) this.counters.malformed++;
        this.buf = Buffer.alloc(0);
        return;
      }
      if (stx > 0) {
        this.counters.malformed++;
        this.buf = this.buf.subarray(stx);
      }
      if (this.buf.length < 2) return;
      const len = 4 + Math.ceil(this.buf[1]! / 8);
      if (this.buf.length < len) return;
      const frame = this.buf.subarray(0, len);
      const ok = this.decode(() => decodeBinaryFrame(frame));
      this.buf = this.buf.subarray(ok ? len : 1);
    }
  }

  private decode(fn: () => WiegandRead): boolean {
    try {
      const r = fn();
      this.counters.reads++;
      this.ctx.send('card', {
        readerId: this.reader.id,
        card: String(r.value),
        bits: r.bits,
        format: r.format,
        at: performance.now(),
      });
      return true;
    } catch (err) {
      this.counters.malformed++;
      this.ctx.log.debug({ reader: this.reader.id, err: (err as Error).message }, 'wiegand frame dropped');
      return false;
    }
  }
}
