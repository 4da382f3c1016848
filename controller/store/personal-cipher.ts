import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/**
 * Minors' data at rest (PIPL art. 28 and 31): names, card numbers and what ties a record to a
 * person are sealed with a key in a 0600 file beside the store, so that a copied database file or
 * its WAL names nobody. Lookups that must stay possible (a card, a person's records) go through a
 * keyed MAC, which is the same for the same value and says nothing without the key.
 *
 * AES-256-GCM by default; SM4 (GB/T 32907) for sites under commercial-cryptography rules, as
 * SM4-CTR with an HMAC-SM3 over it, since the OpenSSL that Node ships has no SM4-GCM everywhere.
 */
export type CipherName = 'aes-256-gcm' | 'sm4';

export interface PersonalCipher {
  readonly name: CipherName | 'none';
  seal(text: string): string;
  open(sealed: string): string;
  /** A keyed digest for lookups: equal for equal values. */
  mac(value: string): string;
  isSealed(text: string): boolean;
}

const PREFIX = 'v1.';
const KEY_BYTES = 64;

/** No sealing: a lab store, or the benchmark beside the sealed one. */
export const plainCipher: PersonalCipher = {
  name: 'none',
  seal: (t) => t,
  open: (t) => t,
  mac: (v) => v,
  isSealed: () => false,
};

/** The key file, made on first use (0600); one readable by others is refused. */
export function loadPersonalKey(file: string): Buffer {
  if (!existsSync(file)) writeFileSync(file, randomBytes(KEY_BYTES), { mode: 0o600 });
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new Error(`${file} holds the key to pupils' data but its mode is ${mode.toString(8)}: chmod 600 it`);
  const key = readFileSync(file);
  if (key.length !== KEY_BYTES)
    throw new Error(`${file} is not a personal-data key (${key.length} bytes, not ${KEY_BYTES})`);
  return key;
}

export function personalCipher(name: CipherName, key: Buffer): PersonalCipher {
  const macKey = key.subarray(32, 64);
  const mac = (v: string) =>
    createHmac(name === 'sm4' ? 'sm3' : 'sha256', macKey)
      .update(v)
      .digest('base64url');
  const b64 = (b: Buffer) => b.toString('base64url');
  if (name === 'aes-256-gcm') {
    const k = key.subarray(0, 32);
    return {
      name,
      mac,
      isSealed: (t) => t.startsWith(PREFIX),
      seal(text) {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', k, iv);
        const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
        return `${PREFIX}${b64(iv)}.${b64(body)}.${b64(c.getAuthTag())}`;
      },
      open(sealed) {
        const [iv, body, tag] = parts(sealed);
        const d = createDecipheriv('aes-256-gcm', k, iv);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(body), d.final()]).toString('utf8');
      },
    };
  }
  const k = key.subarray(0, 16);
  const tagKey = key.subarray(16, 48);
  const tagOf = (iv: Buffer, body: Buffer) => createHmac('sm3', tagKey).update(iv).update(body).digest();
  return {
    name,
    mac,
    isSealed: (t) => t.startsWith(PREFIX),
    seal(text) {
      const iv = randomBytes(16);
      const c = createCipheriv('sm4-ctr', k, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return `${PREFIX}${b64(iv)}.${b64(body)}.${b64(tagOf(iv, body))}`;
    },
    open(sealed) {
      const [iv, body, tag] = parts(sealed);
      const expected = tagOf(iv, body);
      if (tag.length !== expected.length || !timingSafeEqual(tag, expected))
        throw new Error('sealed personal data does not verify: wrong key, or altered');
      const d = createDecipheriv('sm4-ctr', k, iv);
      return Buffer.concat([d.update(body), d.final()]).toString('utf8');
    },
  };
}

function parts(sealed: string): [Buffer, Buffer, Buffer] {
  if (!sealed.startsWith(PREFIX)) throw new Error('not sealed personal data');
  const p = sealed.slice(PREFIX.length).split('.');
  if (p.length !== 3) throw new Error('sealed personal data is malformed');
  return p.map((x) => Buffer.from(x, 'base64url')) as [Buffer, Buffer, Buffer];
}
