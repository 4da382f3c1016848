/** OSDP's CRC-16: CCITT polynomial 0x1021, initial value 0x1D0F, not reflected. */
export function crc16(buf: Uint8Array): number {
  let crc = 0x1d0f;
  for (const b of buf) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The 8-bit checksum of packets sent without CRC: the two's complement of the byte sum. */
export const checksum8 = (buf: Uint8Array) => (0x100 - (buf.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
