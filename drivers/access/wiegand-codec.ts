/**
 * Wiegand card data as it arrives from a serial converter: pure decoding of
 * W26 and W34 frames with parity checks. The raw bits are always kept, because
 * formats differ by reader (many Mifare readers on W26 send only the low three
 * bytes of the UID, so the number is not the card's full UID).
 */

export type WiegandFormat = 'w26' | 'w34';

export interface WiegandRead {
  format: WiegandFormat;
  /** The frame as a string of 0 and 1, parity bits included. */
  bits: string;
  /** The data bits without parity, as a number: the canonical card id. */
  value: number;
  /** W26 only: the 8-bit facility code and 16-bit card number. */
  facility?: number;
  card?: number;
}

export class WiegandError extends Error {}

const BITS: Record<WiegandFormat, number> = { w26: 26, w34: 34 };

const ones = (s: string) => [...s].filter((c) => c === '1').length;

/** Checks the leading even and trailing odd parity over each half of the data bits. */
export function decodeBits(bits: string): WiegandRead {
  if (!/^[01]+$/.test(bits)) throw new WiegandError('not a bit string');
  const format = (Object.keys(BITS) as WiegandFormat[]).find((f) => BITS[f] === bits.length);
  if (!format) throw new WiegandError(`unsupported length ${bits.length} bits (W26 or W34)`);
  const data = bits.slice(1, -1);
  const half = data.length / 2;
  if (ones(bits[0] + data.slice(0, half)) % 2 !== 0) throw new WiegandError('even parity error');
  if (ones(data.slice(half) + bits[bits.length - 1]) % 2 !== 1) throw new WiegandError('odd parity error');
  const value = parseInt(data, 2);
  return format === 'w26'
    ? { format, bits, value, facility: value >>> 16, card: value & 0xffff }
    : { format, bits, value };
}

/** Builds a frame with correct parity; the simulators and tests use it. */
export function encodeBits(format: WiegandFormat, value: number): string {
  const n = BITS[format] - 2;
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** n)
    throw new WiegandError(`${value} does not fit ${n} data bits`);
  const data = value.toString(2).padStart(n, '0');
  const half = n / 2;
  const even = ones(data.slice(0, half)) % 2 === 0 ? '0' : '1';
  const odd = ones(data.slice(half)) % 2 === 0 ? '1' : '0';
  return even + data + odd;
}

/**
 * One line from an ASCII converter. Converters send the data value in decimal
 * (typically 10 digits) or the whole frame in hex prefixed by its bit count
 * ("26:1A2B3C4"), then CR LF. Decimal lines carry no parity: the converter
 * checked it, so the bits are rebuilt.
 */
export function decodeAsciiLine(line: string, format: WiegandFormat): WiegandRead {
  const text = line.trim();
  const framed = /^(26|34):([0-9A-Fa-f]{1,9})$/.exec(text);
  if (framed) {
    const bits = parseInt(framed[2]!, 16).toString(2).padStart(Number(framed[1]), '0');
    if (bits.length !== Number(framed[1])) throw new WiegandError(`frame ${text} has more than ${framed[1]} bits`);
    return decodeBits(bits);
  }
  if (!/^\d{1,10}$/.test(text)) throw new WiegandError(`not a card line: ${JSON.stringify(text.slice(0, 40))}`);
  return decodeBits(encodeBits(format, Number(text)));
}

/**
 * Binary converter frames: STX, bit count, the frame's bytes (bits packed
 * MSB first), an XOR of the preceding bytes after STX, ETX.
 */
export function decodeBinaryFrame(frame: Uint8Array): WiegandRead {
  if (frame.length < 5 || frame[0] !== 0x02 || frame[frame.length - 1] !== 0x03) throw new WiegandError('bad framing');
  const count = frame[1]!;
  const body = frame.subarray(2, frame.length - 2);
  if (body.length !== Math.ceil(count / 8)) throw new WiegandError(`length ${body.length} bytes for ${count} bits`);
  const xor = frame.subarray(1, frame.length - 2).reduce((a, b) => a ^ b, 0);
  if (xor !== frame[frame.length - 2]) throw new WiegandError('checksum error');
  const bits = [...body]
    .map((b) => b.toString(2).padStart(8, '0'))
    .join('')
    .slice(0, count);
  return decodeBits(bits);
}

export function encodeBinaryFrame(bits: string): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') bytes[i >> 3]! |= 0x80 >> (i & 7);
  const head = Buffer.concat([Buffer.from([bits.length]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), head, Buffer.from([head.reduce((a, b) => a ^ b, 0), 0x03])]);
}
