/**
 * G.711 (ITU-T G.711) A-law and μ-law, to and from 16-bit linear PCM, as the reference
 * implementation computes them. Pure.
 */
export type G711 = 'PCMA' | 'PCMU';

const A_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const U_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const BIAS = 0x84;
const CLIP = 8159;

const segment = (v: number, ends: number[]) => {
  const i = ends.findIndex((e) => v <= e);
  return i < 0 ? 8 : i;
};

function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, A_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0xf)) ^ mask;
}

function linearToUlaw(sample: number): number {
  let v = sample >> 2;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  v = Math.min(v, CLIP) + (BIAS >> 2);
  const seg = segment(v, U_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0xf) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0xf) << 3) + BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? BIAS - t : t - BIAS;
}

const DECODE = {
  PCMA: Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i)),
  PCMU: Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i)),
};
const ENCODE = { PCMA: linearToAlaw, PCMU: linearToUlaw };

/** 16-bit little-endian PCM to G.711 bytes, one per sample. */
export function encodeG711(law: G711, pcm: Buffer): Buffer {
  const out = Buffer.alloc(pcm.length >> 1);
  const encode = ENCODE[law];
  for (let i = 0; i < out.length; i++) out[i] = encode(pcm.readInt16LE(i * 2));
  return out;
}

/** G.711 bytes to 16-bit little-endian PCM. */
export function decodeG711(law: G711, bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length * 2);
  const table = DECODE[law];
  for (let i = 0; i < bytes.length; i++) out.writeInt16LE(table[bytes[i]!]!, i * 2);
  return out;
}

/** The same sound in the other law (a station speaker that takes only one). */
export const transcodeG711 = (from: G711, to: G711, bytes: Buffer): Buffer =>
  from === to ? bytes : encodeG711(to, decodeG711(from, bytes));

/** RTP payload types of the static G.711 profile (RFC 3551). */
export const G711_PT: Record<G711, number> = { PCMU: 0, PCMA: 8 };
