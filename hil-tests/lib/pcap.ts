/**
 * A capture file of UDP datagrams (pcap, raw IPv4), so that Wireshark's dissectors can judge
 * what a test sent. Pure.
 */

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

function ipv4Udp(payload: Buffer, srcPort: number, dstPort: number): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(dstPort, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  return Buffer.concat([ip, udp, payload]);
}

/** Each datagram as one packet from port 5061 to 5060, a second apart. */
export function pcapOf(datagrams: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262_144, 16);
  header.writeUInt32LE(101, 20); // LINKTYPE_RAW: the packet is an IP header onwards
  const records = datagrams.map((d, i) => {
    const pkt = ipv4Udp(d, 5061, 5060);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_800_000_000 + i, 0);
    rec.writeUInt32LE(pkt.length, 8);
    rec.writeUInt32LE(pkt.length, 12);
    return Buffer.concat([rec, pkt]);
  });
  return Buffer.concat([header, ...records]);
}
