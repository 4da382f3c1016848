import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * The secure-channel base keys of the site's OSDP readers, one file in the
 * data directory, readable by the controller's user only.
 */
export class OsdpKeyStore {
  constructor(private readonly file: string) {}

  get(readerId: string): Buffer | undefined {
    const hex = this.read()[readerId];
    return hex ? Buffer.from(hex, 'hex') : undefined;
  }

  set(readerId: string, key: Buffer): void {
    this.write({ ...this.read(), [readerId]: key.toString('hex') });
  }

  /**
   * A key sent with KEYSET that the reader has not yet been seen to use. It is kept, across
   * restarts, until a handshake proves which key the reader holds: a lost ACK must not lock the
   * reader out.
   */
  pending(readerId: string): Buffer | undefined {
    const hex = this.read()[pendingKey(readerId)];
    return hex ? Buffer.from(hex, 'hex') : undefined;
  }

  setPending(readerId: string, key: Buffer): void {
    this.write({ ...this.read(), [pendingKey(readerId)]: key.toString('hex') });
  }

  /** The handshake showed the reader's key: with `proven` it becomes the reader's key; the pending one goes. */
  settle(readerId: string, proven?: Buffer): void {
    const { [pendingKey(readerId)]: _, ...rest } = this.read();
    this.write(proven ? { ...rest, [readerId]: proven.toString('hex') } : rest);
  }

  private write(all: Record<string, string>): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  private read(): Record<string, string> {
    return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
  }
}

const pendingKey = (readerId: string) => `${readerId}:pending`;
