/**
 * RTP (RFC 3550) for a PS stream: payload type 96, the platform's SSRC, a 90 kHz clock, the
 * marker on the last packet of each picture; over TCP each packet has RFC 4571's two-byte
 * length before it. Pure.
 */

const MAX_PAYLOAD = 1400;

export class RtpPacketizer {
  private seq: number;

  constructor(
    private readonly ssrc: number,
    seq0 = Math.floor(Math.random() * 0x10000),
  ) {
    this.seq = seq0 & 0xffff;
  }

  packets(payload: Buffer, timestamp: number): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < payload.length; at += MAX_PAYLOAD) {
      const last = at + MAX_PAYLOAD >= payload.length;
      const h = Buffer.alloc(12);
      h[0] = 0x80;
      h[1] = (last ? 0x80 : 0) | 96;
      h.writeUInt16BE(this.seq, 2);
      this.seq = (this.seq + 1) & 0xffff;
      h.writeUInt32BE(timestamp >>> 0, 4);
      h.writeUInt32BE(this.ssrc >>> 0, 8);
      out.push(Buffer.concat([h, payload.subarray(at, at + MAX_PAYLOAD)]));
    }
    return out;
  }
}

/** RFC 4571 framing for RTP over a TCP connection. */
export function frame4571(packet: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(packet.length, 0);
  return Buffer.concat([len, packet]);
}
