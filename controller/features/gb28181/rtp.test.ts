import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frame4571, RtpPacketizer } from './rtp.ts';

test('a picture is cut into packets of at most 1400 bytes, the marker on the last, one timestamp', () => {
  const p = new RtpPacketizer(100000001, 0xfffe);
  const packets = p.packets(Buffer.alloc(3000, 7), 123456);
  assert.deepEqual(
    packets.map((x) => x.length),
    [1412, 1412, 212],
  );
  assert.deepEqual(
    packets.map((x) => x[1]),
    [96, 96, 0x80 | 96],
  );
  // The sequence wraps at 16 bits.
  assert.deepEqual(
    packets.map((x) => x.readUInt16BE(2)),
    [0xfffe, 0xffff, 0],
  );
  assert.ok(packets.every((x) => x[0] === 0x80 && x.readUInt32BE(4) === 123456 && x.readUInt32BE(8) === 100000001));
  assert.equal(p.packets(Buffer.alloc(1), 1)[0]!.readUInt16BE(2), 1);
});

test('RFC 4571: a two-byte length before each packet', () => {
  const f = frame4571(Buffer.alloc(300, 1));
  assert.equal(f.readUInt16BE(0), 300);
  assert.equal(f.length, 302);
});
