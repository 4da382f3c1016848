/** OSDP v2 command and reply codes, and their payloads. Pure. */

export const Cmd = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  OUT: 0x68,
  LED: 0x69,
  BUZ: 0x6a,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
  KEEPACTIVE: 0xa7,
} as const;

export const Reply = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  RAW: 0x50,
  KEYPAD: 0x53,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

/** Security block types (SCS_11 … SCS_18). */
export const Scs = {
  CHLNG: 0x11,
  CCRYPT: 0x12,
  SCRYPT: 0x13,
  RMAC_I: 0x14,
  CMD_MAC: 0x15,
  REPLY_MAC: 0x16,
  CMD_ENC: 0x17,
  REPLY_ENC: 0x18,
} as const;

export const NakReason: Record<number, string> = {
  1: 'message check failed',
  2: 'command length error',
  3: 'unknown command',
  4: 'unexpected sequence number',
  5: 'security block not supported',
  6: 'encrypted communication required',
  7: 'biometric type not supported',
  8: 'biometric format not supported',
  9: 'unable to process command',
};

export class OsdpPayloadError extends Error {}

export interface PdId {
  vendor: string;
  model: number;
  version: number;
  serial: number;
  firmware: string;
}

export function parsePdId(d: Buffer): PdId {
  if (d.length !== 12) throw new OsdpPayloadError(`PDID is 12 bytes, got ${d.length}`);
  return {
    vendor: d.subarray(0, 3).toString('hex'),
    model: d[3]!,
    version: d[4]!,
    serial: d.readUInt32LE(5),
    firmware: `${d[9]}.${d[10]}.${d[11]}`,
  };
}

export function encodePdId(id: PdId): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(id.vendor, 'hex').copy(b, 0, 0, 3);
  b[3] = id.model;
  b[4] = id.version;
  b.writeUInt32LE(id.serial, 5);
  id.firmware
    .split('.')
    .slice(0, 3)
    .forEach((v, i) => {
      b[9 + i] = Number(v) & 0xff;
    });
  return b;
}

/** cUID for the secure channel, as a PD derives it from its identity. */
export function clientUid(id: PdId): Buffer {
  const d = encodePdId(id);
  return Buffer.from([d[0]!, d[1]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!]);
}

/** PDCAP function codes this panel reads (OSDP 2.2 annex B). */
export const CapFunction = { LED: 4, AUDIBLE: 5, CHECK_CHARACTER: 8, SECURITY: 9 } as const;

export interface PdCapability {
  code: number;
  compliance: number;
  count: number;
}

export const parsePdCap = (d: Buffer): PdCapability[] => {
  if (d.length % 3 !== 0) throw new OsdpPayloadError('PDCAP is a list of 3-byte entries');
  return Array.from({ length: d.length / 3 }, (_, i) => ({
    code: d[i * 3]!,
    compliance: d[i * 3 + 1]!,
    count: d[i * 3 + 2]!,
  }));
};

/** Raw card data: reader number, format (0 unspecified, 1 Wiegand), bit count, bits packed MSB first. */
export interface RawCard {
  reader: number;
  format: number;
  bits: string;
}

export function parseRaw(d: Buffer): RawCard {
  if (d.length < 4) throw new OsdpPayloadError('RAW shorter than its header');
  const count = d.readUInt16LE(2);
  const bytes = d.subarray(4);
  if (bytes.length !== Math.ceil(count / 8))
    throw new OsdpPayloadError(`RAW has ${bytes.length} bytes for ${count} bits`);
  return {
    reader: d[0]!,
    format: d[1]!,
    bits: [...bytes]
      .map((b) => b.toString(2).padStart(8, '0'))
      .join('')
      .slice(0, count),
  };
}

export function encodeRaw(card: RawCard): Buffer {
  const bytes = Buffer.alloc(Math.ceil(card.bits.length / 8));
  for (let i = 0; i < card.bits.length; i++) if (card.bits[i] === '1') bytes[i >> 3]! |= 0x80 >> (i & 7);
  const head = Buffer.from([card.reader, card.format, card.bits.length & 0xff, card.bits.length >> 8]);
  return Buffer.concat([head, bytes]);
}

/** Reader LED colours (osdp_LED). */
export const Color = { off: 0, red: 1, green: 2, amber: 3, blue: 4 } as const;

/**
 * A temporary LED pattern that reverts to the permanent state: e.g. green for
 * a granted card, red for a denied one. Times are in units of 100 ms.
 */
export function ledTemporary(reader: number, color: number, onTenths: number, totalMs: number): Buffer {
  const ticks = Math.round(totalMs / 100);
  return Buffer.from([
    reader,
    0,
    /* temporary: set */ 2,
    onTenths,
    0,
    color,
    Color.off,
    ticks & 0xff,
    ticks >> 8,
    /* permanent: no change */ 0,
    0,
    0,
    0,
    0,
  ]);
}

export function parseLed(d: Buffer): { reader: number; led: number; color: number; ms: number }[] {
  if (d.length % 14 !== 0 || !d.length) throw new OsdpPayloadError('LED is a list of 14-byte records');
  return Array.from({ length: d.length / 14 }, (_, i) => {
    const r = d.subarray(i * 14, i * 14 + 14);
    return { reader: r[0]!, led: r[1]!, color: r[5]!, ms: r.readUInt16LE(7) * 100 };
  });
}

/** Buzzer: tone 2 (default), on and off in 100 ms units, repeat count. */
export const buzzer = (reader: number, onTenths: number, offTenths: number, count: number) =>
  Buffer.from([reader, 2, onTenths, offTenths, count]);

export const keepActive = (ms: number) => Buffer.from([ms & 0xff, ms >> 8]);

/** KEYSET: key type 1 (SCBK), length 16, the key. */
export function keySet(key: Buffer): Buffer {
  if (key.length !== 16) throw new OsdpPayloadError('an SCBK is 16 bytes');
  return Buffer.concat([Buffer.from([1, 16]), key]);
}

export function parseKeySet(d: Buffer): Buffer {
  if (d.length !== 18 || d[0] !== 1 || d[1] !== 16) throw new OsdpPayloadError('KEYSET must carry a 16-byte SCBK');
  return Buffer.from(d.subarray(2));
}
