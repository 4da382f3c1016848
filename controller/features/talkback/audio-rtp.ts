/** RTP (RFC 3550) for 20 ms G.711 frames, both ways. Pure. */

export class AudioRtpWriter {
  private seq = Math.floor(Math.random() * 0x10000);
  private ts = Math.floor(Math.random() * 0x1_0000_0000);
  private first = true;
  readonly ssrc = Math.floor(Math.random() * 0x1_0000_0000);

  constructor(private readonly pt: number) {}

  /** One packet for this frame of samples (one byte each); the marker on the first of the talk spurt. */
  packet(payload: Buffer): Buffer {
    const h = Buffer.alloc(12);
    h[0] = 0x80;
    h[1] = (this.first ? 0x80 : 0) | this.pt;
    h.writeUInt16BE(this.seq, 2);
    h.writeUInt32BE(this.ts >>> 0, 4);
    h.writeUInt32BE(this.ssrc >>> 0, 8);
    this.first = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + payload.length) % 0x1_0000_0000;
    return Buffer.concat([h, payload]);
  }
}

/** A packet's payload type, source and payload; null for what is not RTP version 2. */
export function readRtp(m: Buffer): { pt: number; ssrc: number; payload: Buffer } | null {
  if (m.length <= 12 || m[0]! >> 6 !== 2) return null;
  const skip = 12 + 4 * (m[0]! & 0x0f);
  // An extension header (X bit) adds its own length.
  const ext = m[0]! & 0x10 ? 4 + 4 * (m.length >= skip + 4 ? m.readUInt16BE(skip + 2) : 0) : 0;
  let end = m.length;
  if (m[0]! & 0x20) end -= m[m.length - 1]!; // padding
  if (skip + ext >= end) return null;
  return { pt: m[1]! & 0x7f, ssrc: m.readUInt32BE(8), payload: m.subarray(skip + ext, end) };
}
