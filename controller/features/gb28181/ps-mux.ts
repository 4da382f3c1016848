import type { VideoCodec } from './annexb.ts';

/**
 * MPEG-2 program stream (ISO/IEC 13818-1 §2.5) as GB/T 28181 annex C wants it: one pack per
 * picture; at every keyframe the pack also carries a system header and a program stream map;
 * video in PES packets of stream id 0xE0 with stream_type 0x1B (H.264) or 0x24 (H.265). Pure.
 */

const STREAM_TYPE: Record<VideoCodec, number> = { h264: 0x1b, h265: 0x24 };
const VIDEO_ID = 0xe0;
/** Bytes of payload in one PES packet: its length field is 16 bits. */
const PES_PAYLOAD = 65_000;
/** In units of 50 bytes/s, the rate written in the headers (a ceiling, not a promise): 20 Mbit/s. */
const MUX_RATE = 50_000;

/** The 33-bit clock value in the five-byte PTS/DTS form, with its marker bits. */
function timestamp(prefix: number, t: number): Buffer {
  const v = BigInt(Math.floor(t)) & 0x1ffffffffn;
  return Buffer.from([
    (prefix << 4) | (Number((v >> 30n) & 0x07n) << 1) | 1,
    Number((v >> 22n) & 0xffn),
    (Number((v >> 15n) & 0x7fn) << 1) | 1,
    Number((v >> 7n) & 0xffn),
    (Number(v & 0x7fn) << 1) | 1,
  ]);
}

function packHeader(scr: number): Buffer {
  const v = BigInt(Math.floor(scr)) & 0x1ffffffffn;
  const b = Buffer.alloc(14);
  b.writeUInt32BE(0x000001ba, 0);
  // '01', SCR[32..30], marker, SCR[29..15], marker, SCR[14..0], marker, SCR extension (0), marker.
  b[4] = 0x40 | Number((v >> 27n) & 0x38n) | 0x04 | Number((v >> 28n) & 0x03n);
  b[5] = Number((v >> 20n) & 0xffn);
  b[6] = Number((v >> 12n) & 0xf8n) | 0x04 | Number((v >> 13n) & 0x03n);
  b[7] = Number((v >> 5n) & 0xffn);
  b[8] = Number((v << 3n) & 0xf8n) | 0x04 | 0x00;
  b[9] = 0x01;
  b[10] = (MUX_RATE >> 14) & 0xff;
  b[11] = (MUX_RATE >> 6) & 0xff;
  b[12] = ((MUX_RATE << 2) & 0xfc) | 0x03;
  b[13] = 0xf8; // reserved, no stuffing
  return b;
}

function systemHeader(): Buffer {
  const body = Buffer.from([
    0x80 | ((MUX_RATE >> 15) & 0x7f),
    (MUX_RATE >> 7) & 0xff,
    ((MUX_RATE << 1) & 0xfe) | 0x01,
    0x04, // audio bound 1, not fixed, not CSPS
    0xe1, // system audio and video locks, marker, video bound 1
    0x7f, // no packet rate restriction, reserved
    VIDEO_ID,
    0xe0 | 0x02, // '11', P-STD buffer scale 1 (units of 1024 bytes), size bound high bits
    0x00, // size bound 0x200 × 1024 = 512 KB: an H.265 keyframe at 4K fits
  ]);
  const head = Buffer.alloc(6);
  head.writeUInt32BE(0x000001bb, 0);
  head.writeUInt16BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** CRC-32/MPEG-2, which a program stream map ends with. */
export function crc32mpeg(b: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

function streamMap(codec: VideoCodec, version: number): Buffer {
  const es = Buffer.from([STREAM_TYPE[codec], VIDEO_ID, 0x00, 0x00]);
  const body = Buffer.concat([
    Buffer.from([0xe0 | (version & 0x1f), 0xff, 0x00, 0x00]), // current, reserved, version; reserved, marker; no program info
    Buffer.from([(es.length >> 8) & 0xff, es.length & 0xff]),
    es,
  ]);
  const head = Buffer.alloc(6);
  head.writeUInt32BE(0x000001bc, 0);
  head.writeUInt16BE(body.length + 4, 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32mpeg(Buffer.concat([head, body])), 0);
  return Buffer.concat([head, body, crc]);
}

function pes(payload: Buffer, pts: number | null): Buffer {
  const header =
    pts === null
      ? Buffer.from([0x80, 0x00, 0x00])
      : Buffer.concat([Buffer.from([0x80, 0x80, 0x05]), timestamp(0x2, pts)]);
  const head = Buffer.alloc(6);
  head.writeUInt32BE(0x00000100 | VIDEO_ID, 0);
  head.writeUInt16BE(header.length + payload.length, 4);
  return Buffer.concat([head, header, payload]);
}

/** One picture as one pack; `pts` in 90 kHz units. The first PES carries the PTS; the rest of a large picture follows. */
export function psPack(au: Buffer, pts: number, keyframe: boolean, codec: VideoCodec): Buffer {
  const parts = [packHeader(pts)];
  if (keyframe) parts.push(systemHeader(), streamMap(codec, 0));
  for (let at = 0; at < au.length; at += PES_PAYLOAD)
    parts.push(pes(au.subarray(at, at + PES_PAYLOAD), at === 0 ? pts : null));
  return Buffer.concat(parts);
}
