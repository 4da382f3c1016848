import { SerialPort } from 'serialport';
import { encodeBinaryFrame, encodeBits, type WiegandFormat } from '../../drivers/access/wiegand-codec.ts';

/** A Wiegand-to-serial converter on the far end of a pty pair: each swipe becomes a line or a frame. */
export class WiegandConverterSim {
  private port: SerialPort | null = null;

  constructor(
    private readonly path: string,
    private readonly framing: 'ascii' | 'binary',
    private readonly format: WiegandFormat,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port = new SerialPort({ path: this.path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve()));
      this.port.on('error', () => {});
    });
  }

  swipe(card: number): void {
    const bits = encodeBits(this.format, card);
    this.write(
      this.framing === 'ascii' ? Buffer.from(`${String(card).padStart(10, '0')}\r\n`) : encodeBinaryFrame(bits),
    );
  }

  /** Line noise: bytes that are no card at all, and a frame with a flipped parity bit. */
  garbage(): void {
    const bits = encodeBits(this.format, 12345);
    const flipped = (bits[0] === '1' ? '0' : '1') + bits.slice(1);
    this.write(Buffer.from([0xff, 0x13, 0x00, 0x41]));
    this.write(this.framing === 'ascii' ? Buffer.from(`xx#${'9'.repeat(30)}\r\n`) : encodeBinaryFrame(flipped));
  }

  write(b: Buffer): void {
    this.port?.write(b);
  }

  close(): Promise<void> {
    const p = this.port;
    this.port = null;
    return new Promise((r) => (p?.isOpen ? p.close(() => r()) : r()));
  }
}
