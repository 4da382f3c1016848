import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadDistrictKey } from '../core/district-key.ts';
import { CommandError } from '../core/commands.ts';
import type { TrustedKey } from './signed-command.ts';

/** A key's fingerprint: the first 16 hex digits of SHA-256 over its public key (SPKI DER). */
export const fingerprint = (key: KeyObject) =>
  createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

interface Saved {
  added: { pem: string; addedAt: string }[];
  revoked: string[];
}

/**
 * The district command keys this gateway trusts: those the site file names (the key and, during a
 * roll-over, the next one), those a signed command added since, less those a signed command revoked.
 * What commands changed is kept in a 0600 file in the data directory, so it outlives a restart.
 */
export class CommandKeys {
  private saved: Saved;

  constructor(
    private readonly configured: readonly string[],
    private readonly file: string,
  ) {
    this.saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Saved) : { added: [], revoked: [] };
  }

  trusted(): TrustedKey[] {
    const all = [...this.configured, ...this.saved.added.map((a) => a.pem)].map((pem) => loadDistrictKey(pem));
    const unique = new Map(all.map((key) => [fingerprint(key), key]));
    return [...unique]
      .filter(([fp]) => !this.saved.revoked.includes(fp))
      .map(([fp, key]) => ({ key, fingerprint: fp }));
  }

  /** Trusts a new key and, in the same step, stops trusting one (a roll-over done in one command). */
  replace(pem: string, retire: string | undefined): { added: string; retired: string | null; trusted: string[] } {
    let key: KeyObject;
    try {
      key = loadDistrictKey(pem);
    } catch (err) {
      throw new CommandError('key.invalid', { detail: (err as Error).message });
    }
    const added = fingerprint(key);
    if (added === retire) throw new CommandError('key.same');
    if (retire && !this.trusted().some((k) => k.fingerprint === retire))
      throw new CommandError('key.unknown', { fingerprint: retire });
    this.saved = {
      added: [
        ...this.saved.added.filter((a) => fingerprint(loadDistrictKey(a.pem)) !== added),
        { pem: key.export({ type: 'spki', format: 'pem' }).toString(), addedAt: new Date().toISOString() },
      ],
      revoked: [...this.saved.revoked.filter((r) => r !== added), ...(retire ? [retire] : [])],
    };
    this.save();
    return { added, retired: retire ?? null, trusted: this.trusted().map((k) => k.fingerprint) };
  }

  revoke(fp: string): { revoked: string; trusted: string[] } {
    const trusted = this.trusted();
    if (!trusted.some((k) => k.fingerprint === fp)) throw new CommandError('key.unknown', { fingerprint: fp });
    if (trusted.length === 1) throw new CommandError('key.last');
    this.saved = { ...this.saved, revoked: [...this.saved.revoked, fp] };
    this.save();
    return { revoked: fp, trusted: this.trusted().map((k) => k.fingerprint) };
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.saved, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
