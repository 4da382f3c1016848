import { checksum8, crc16 } from './crc.ts';

/** One OSDP packet: `0x53 ADDR LEN(le16) CTRL [SCB] CODE DATA [MAC4] CRC16(le)`. */
export interface OsdpPacket {
  /** 0x00–0x7E, or 0x7F for broadcast; without the reply bit. */
  addr: number;
  reply: boolean;
  sqn: number;
  /** The security block with its length and type bytes, or null. */
  scb: Buffer | null;
  code: number;
  data: Buffer;
  mac: Buffer | null;
  /** The check character: a CRC-16 (the default), or the 8-bit checksum some readers use instead. */
  crc?: boolean;
}

export const SOM = 0x53;
const MAX_PACKET = 1440;

export class OsdpFrameError extends Error {}

/** Security block types that carry a 4-byte MAC after the data. */
export const scbHasMac = (scb: Buffer | null) => scb !== null && scb[1]! >= 0x15 && scb[1]! <= 0x18;

/**
 * Builds a packet with a CRC, or a checksum when `crc` is false. `mac` receives the bytes from
 * SOM to the end of the data and returns the 4 MAC bytes, for secure channel packets.
 */
export function encodePacket(p: Omit<OsdpPacket, 'mac'>, mac?: (macInput: Buffer) => Buffer): Buffer {
  const scb = p.scb ?? Buffer.alloc(0);
  const macLen = mac ? 4 : 0;
  const useCrc = p.crc !== false;
  const len = 5 + scb.length + 1 + p.data.length + macLen + (useCrc ? 2 : 1);
  if (len > MAX_PACKET) throw new OsdpFrameError(`packet of ${len} bytes is too long`);
  const ctrl = (p.sqn & 0x03) | (useCrc ? 0x04 : 0) | (p.scb ? 0x08 : 0);
  const head = Buffer.from([SOM, (p.addr & 0x7f) | (p.reply ? 0x80 : 0), len & 0xff, len >> 8, ctrl]);
  const body = Buffer.concat([head, scb, Buffer.from([p.code]), p.data]);
  const withMac = mac ? Buffer.concat([body, mac(body).subarray(0, 4)]) : body;
  if (!useCrc) return Buffer.concat([withMac, Buffer.from([checksum8(withMac)])]);
  const crc = crc16(withMac);
  return Buffer.concat([withMac, Buffer.from([crc & 0xff, crc >> 8])]);
}

/** Decodes one complete packet; checks length, CRC or checksum, and the security block. */
export function decodePacket(buf: Buffer): { packet: OsdpPacket; macInput: Buffer } {
  if (buf.length < 7 || buf[0] !== SOM) throw new OsdpFrameError('no start of message');
  const len = buf.readUInt16LE(2);
  if (len !== buf.length) throw new OsdpFrameError(`length field ${len}, packet ${buf.length}`);
  const ctrl = buf[4]!;
  const useCrc = (ctrl & 0x04) !== 0;
  const end = buf.length - (useCrc ? 2 : 1);
  if (useCrc ? crc16(buf.subarray(0, end)) !== buf.readUInt16LE(end) : checksum8(buf.subarray(0, end)) !== buf[end]) {
    throw new OsdpFrameError(useCrc ? 'CRC error' : 'checksum error');
  }
  let at = 5;
  let scb: Buffer | null = null;
  if (ctrl & 0x08) {
    const scbLen = buf[5]!;
    if (scbLen < 2 || 5 + scbLen >= end) throw new OsdpFrameError('bad security block length');
    scb = Buffer.from(buf.subarray(5, 5 + scbLen));
    at += scbLen;
  }
  const macLen = scbHasMac(scb) ? 4 : 0;
  if (at + 1 + macLen > end) throw new OsdpFrameError('packet too short for its fields');
  const code = buf[at]!;
  const data = Buffer.from(buf.subarray(at + 1, end - macLen));
  const mac = macLen ? Buffer.from(buf.subarray(end - macLen, end)) : null;
  return {
    packet: {
      addr: buf[1]! & 0x7f,
      reply: (buf[1]! & 0x80) !== 0,
      sqn: ctrl & 0x03,
      scb,
      code,
      data,
      mac,
      crc: useCrc,
    },
    macInput: Buffer.from(buf.subarray(0, end - macLen)),
  };
}

/**
 * Splits a byte stream into packets. Bytes before a start-of-message and
 * packets that fail their check are dropped and counted, never thrown.
 */
export class PacketSplitter {
  private buf = Buffer.alloc(0);
  dropped = 0;

  push(chunk: Buffer): { packet: OsdpPacket; macInput: Buffer }[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: { packet: OsdpPacket; macInput: Buffer }[] = [];
    for (;;) {
      const som = this.buf.indexOf(SOM);
      if (som < 0) {
        this.dropped += this.buf.length ? 1 : 0;
        this.buf = Buffer.alloc(0);
        return out;
      }
      if (som > 0) {
        this.dropped++;
        this.buf = this.buf.subarray(som);
      }
      if (this.buf.length < 4) return out;
      const len = this.buf.readUInt16LE(2);
      if (len < 7 || len > MAX_PACKET) {
        this.dropped++;
        this.buf = this.buf.subarray(1);
        continue;
      }
      if (this.buf.length < len) return out;
      try {
        out.push(decodePacket(Buffer.from(this.buf.subarray(0, len))));
        this.buf = this.buf.subarray(len);
      } catch {
        this.dropped++;
        this.buf = this.buf.subarray(1);
      }
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
