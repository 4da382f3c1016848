/** Modbus framing for the simulators: CRC-16/MODBUS and RTU request lengths. Pure. */

export function crc16modbus(buf: Uint8Array): number {
  let crc = 0xffff;
  for (const b of buf) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function withCrc(frame: Buffer): Buffer {
  const out = Buffer.alloc(frame.length + 2);
  frame.copy(out);
  out.writeUInt16LE(crc16modbus(frame), frame.length);
  return out;
}

/** Length of the RTU request at the start of buf, or null if it cannot be known yet. */
export function rtuRequestLength(buf: Buffer): number | null {
  if (buf.length < 2) return null;
  const fc = buf[1]!;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length < 7 ? null : 9 + buf[6]!;
  return -1; // unsupported: resynchronise
}

export const crcOk = (frame: Buffer) =>
  frame.length >= 4 && crc16modbus(frame.subarray(0, -2)) === frame.readUInt16LE(frame.length - 2);
