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
    const all = { ...this.read(), [readerId]: key.toString('hex') };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  private read(): Record<string, string> {
    return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
  }
}
