import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { crcOk, rtuRequestLength, withCrc } from './modbus-frame.ts';
import type { ModbusUnit } from './modbus-unit.ts';

const SLOW_MS = 3000;
const garbage = () => Buffer.from(Array.from({ length: 7 }, () => Math.floor(Math.random() * 256)));

/** Decides what goes on the wire for a unit's response, given its fault. */
function wireResponse(unit: ModbusUnit, frame: Buffer, rtu: boolean): { bytes: Buffer | null; delay: number } {
  switch (unit.fault) {
    case 'silent':
      return { bytes: null, delay: 0 };
    case 'garbage':
      return { bytes: garbage(), delay: 0 };
    case 'bad-crc': {
      const bad = Buffer.from(frame);
      bad[bad.length - 1]! ^= 0xff;
      return { bytes: rtu ? bad : garbage(), delay: 0 };
    }
    case 'slow':
      return { bytes: frame, delay: SLOW_MS };
    default:
      return { bytes: frame, delay: 0 };
  }
}

/** Modbus RTU slaves on one serial port (the far end of a socat pty pair). */
export class RtuSlaveSim {
  private port: SerialPort | null = null;
  private buf = Buffer.alloc(0);
  dropped = 0;

  constructor(
    private readonly path: string,
    private readonly units: Map<number, ModbusUnit>,
    private readonly baudRate = 9600,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.path, baudRate: this.baudRate }, (err) =>
        err ? reject(err) : resolve(),
      );
      port.on('data', (d: Buffer) => this.onData(d));
      port.on('error', () => {});
      this.port = port;
    });
  }

  close(): Promise<void> {
    const p = this.port;
    this.port = null;
    this.buf = Buffer.alloc(0);
    return new Promise((resolve) => (p?.isOpen ? p.close(() => resolve()) : resolve()));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const len = rtuRequestLength(this.buf);
      if (len === null || (len > 0 && this.buf.length < len)) return;
      const frame = len > 0 ? this.buf.subarray(0, len) : null;
      if (!frame || !crcOk(frame)) {
        this.buf = this.buf.subarray(1);
        this.dropped++;
        continue;
      }
      this.buf = this.buf.subarray(len);
      const unit = this.units.get(frame[0]!);
      if (!unit) continue; // another slave's address: stay quiet, as on a real bus
      const reply = withCrc(Buffer.concat([Buffer.from([frame[0]!]), unit.handle(frame.subarray(1, -2))]));
      const { bytes, delay } = wireResponse(unit, reply, true);
      if (bytes) setTimeout(() => this.port?.write(bytes), delay);
    }
  }
}

/** Modbus TCP slaves behind one listening socket (MBAP framing, unit id selects the slave). */
export class TcpSlaveSim {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Requests received but not yet answered on one connection, at most: a native TCP device takes several at once. */
  maxOutstanding = 0;
  private outstanding = 0;

  /** `latencyMs` per unit: a device that measures before it answers; a slower unit's answer is overtaken by a quicker one's. */
  constructor(
    private readonly units: Map<number, ModbusUnit>,
    private readonly latencyMs: (unit: number) => number = () => 0,
  ) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return (server.address() as { port: number }).port;
  }

  /** Drops every connection, as a gateway reboot would. */
  disconnectAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.disconnectAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    // Nagle off, as the Modbus TCP implementation guide advises: with it, an answer waits for
    // the ACK of the one before, and with several transactions in flight that costs 40 ms.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 7) {
        const len = buf.readUInt16BE(4);
        if (buf.length < 6 + len) return;
        const adu = buf.subarray(0, 6 + len);
        buf = buf.subarray(6 + len);
        const unit = this.units.get(adu[6]!);
        if (!unit) continue;
        const pdu = unit.handle(adu.subarray(7));
        const head = Buffer.alloc(7);
        adu.copy(head, 0, 0, 4);
        head.writeUInt16BE(pdu.length + 1, 4);
        head[6] = adu[6]!;
        const { bytes, delay } = wireResponse(unit, Buffer.concat([head, pdu]), false);
        if (!bytes) continue;
        this.maxOutstanding = Math.max(this.maxOutstanding, ++this.outstanding);
        setTimeout(() => {
          this.outstanding--;
          if (!socket.destroyed) socket.write(bytes);
        }, delay + this.latencyMs(adu[6]!));
      }
    });
  }
}
