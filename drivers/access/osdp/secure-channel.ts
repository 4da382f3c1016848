import { createCipheriv, createDecipheriv } from 'node:crypto';
import { OsdpPayloadError } from './messages.ts';

/**
 * The OSDP secure channel (AES-128): session keys from the base key and the
 * CP's challenge, the cryptograms of the CHLNG/CCRYPT/SCRYPT/RMAC_I handshake,
 * the chained message MACs and data encryption. Pure functions over buffers;
 * SecureSession keeps the two MAC chains for one side of one link.
 */

/** The well-known install-mode key (SCBK-D) every reader accepts until KEYSET. */
export const SCBK_D = Buffer.from('303132333435363738393a3b3c3d3e3f', 'hex');

export interface SessionKeys {
  enc: Buffer;
  mac1: Buffer;
  mac2: Buffer;
}

const ecb = (key: Buffer, block: Buffer) => {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};

const cbc = (key: Buffer, iv: Buffer, data: Buffer, decrypt = false) => {
  const c = decrypt ? createDecipheriv('aes-128-cbc', key, iv) : createCipheriv('aes-128-cbc', key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
};

const not = (b: Buffer) => Buffer.from(b.map((x) => ~x & 0xff));

export function sessionKeys(scbk: Buffer, rndA: Buffer): SessionKeys {
  const derive = (a: number, b: number) =>
    ecb(scbk, Buffer.concat([Buffer.from([a, b]), rndA.subarray(0, 6), Buffer.alloc(8)]));
  return { enc: derive(0x01, 0x82), mac1: derive(0x01, 0x01), mac2: derive(0x01, 0x02) };
}

/** What the PD sends in CCRYPT to prove it holds the key. */
export const clientCryptogram = (k: SessionKeys, rndA: Buffer, rndB: Buffer) => ecb(k.enc, Buffer.concat([rndA, rndB]));
/** What the CP sends in SCRYPT. */
export const serverCryptogram = (k: SessionKeys, rndA: Buffer, rndB: Buffer) => ecb(k.enc, Buffer.concat([rndB, rndA]));
/** The first R-MAC, which seeds the MAC chain. */
export const initialRmac = (k: SessionKeys, serverCrypt: Buffer) => ecb(k.mac2, ecb(k.mac1, serverCrypt));

/**
 * The two padding rules differ, as in libosdp: MAC input gets 0x80 and zeros
 * only when it is not block-aligned; data to encrypt always gets the 0x80
 * end marker, so 16 bytes encrypt to 32.
 */
function padMac(data: Buffer): Buffer {
  if (data.length % 16 === 0) return data;
  return padPayload(data);
}

function padPayload(data: Buffer): Buffer {
  const out = Buffer.alloc((data.length + 16) & ~15);
  data.copy(out);
  out[data.length] = 0x80;
  return out;
}

/** CBC-MAC: all blocks but the last under S-MAC1, the last under S-MAC2; 16 bytes. */
export function mac(k: SessionKeys, iv: Buffer, message: Buffer): Buffer {
  const p = padMac(message);
  let chain = iv;
  if (p.length > 16) {
    const head = cbc(k.mac1, iv, p.subarray(0, p.length - 16));
    chain = head.subarray(head.length - 16);
  }
  return cbc(k.mac2, chain, p.subarray(p.length - 16));
}

export function encryptData(k: SessionKeys, lastMac: Buffer, data: Buffer): Buffer {
  return cbc(k.enc, not(lastMac), padPayload(data));
}

export function decryptData(k: SessionKeys, lastMac: Buffer, data: Buffer): Buffer {
  if (data.length % 16 !== 0 || !data.length) throw new OsdpPayloadError('encrypted data is not whole blocks');
  const plain = cbc(k.enc, not(lastMac), data, true);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (plain[end - 1] !== 0x80) throw new OsdpPayloadError('bad padding after decryption');
  return plain.subarray(0, end - 1);
}

/**
 * One established secure channel. The CP MACs a command with the last R-MAC
 * as IV (its result becomes the C-MAC); the PD MACs its reply with the C-MAC
 * (the result becomes the next R-MAC). Encryption IVs are the complements.
 */
export class SecureSession {
  cmac: Buffer = Buffer.alloc(16);

  constructor(
    readonly keys: SessionKeys,
    public rmac: Buffer,
  ) {}

  /** CP side: MAC a command; returns the 4 bytes to send. */
  macCommand = (macInput: Buffer): Buffer => {
    this.cmac = mac(this.keys, this.rmac, macInput);
    return this.cmac.subarray(0, 4);
  };
  /** PD side: MAC a reply. */
  macReply = (macInput: Buffer): Buffer => {
    this.rmac = mac(this.keys, this.cmac, macInput);
    return this.rmac.subarray(0, 4);
  };

  /** PD side: checks a command's MAC and advances the C-MAC. */
  verifyCommand(macInput: Buffer, received: Buffer): boolean {
    const expected = mac(this.keys, this.rmac, macInput);
    if (!expected.subarray(0, 4).equals(received)) return false;
    this.cmac = expected;
    return true;
  }

  /** CP side: checks a reply's MAC and advances the R-MAC. */
  verifyReply(macInput: Buffer, received: Buffer): boolean {
    const expected = mac(this.keys, this.cmac, macInput);
    if (!expected.subarray(0, 4).equals(received)) return false;
    this.rmac = expected;
    return true;
  }

  encryptCommand = (data: Buffer) => encryptData(this.keys, this.rmac, data);
  decryptCommand = (data: Buffer) => decryptData(this.keys, this.rmac, data);
  encryptReply = (data: Buffer) => encryptData(this.keys, this.cmac, data);
  decryptReply = (data: Buffer) => decryptData(this.keys, this.cmac, data);
}
