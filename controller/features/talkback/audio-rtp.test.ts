import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioRtpWriter, readRtp } from './audio-rtp.ts';

test('frames go out in sequence, 160 samples apart, the marker on the first only', () => {
  const w = new AudioRtpWriter(8);
  const [a, b] = [w.packet(Buffer.alloc(160, 1)), w.packet(Buffer.alloc(160, 2))];
  assert.equal(a[1]! & 0x80, 0x80);
  assert.equal(b[1]! & 0x80, 0);
  assert.equal(b[1]! & 0x7f, 8);
  assert.equal(b.readUInt16BE(2), (a.readUInt16BE(2) + 1) & 0xffff);
  assert.equal((b.readUInt32BE(4) - a.readUInt32BE(4) + 0x1_0000_0000) % 0x1_0000_0000, 160);
  assert.deepEqual(readRtp(b), { pt: 8, ssrc: w.ssrc, payload: Buffer.alloc(160, 2) });
});

test('what is read: CSRCs, an extension and padding skipped; anything not RTP is null', () => {
  const p = Buffer.concat([
    Buffer.from([0xb1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9]),
    Buffer.alloc(4),
    Buffer.from([0, 0, 0, 1]),
    Buffer.alloc(4),
    Buffer.from([7, 7, 0, 2]),
  ]);
  assert.deepEqual(readRtp(p)?.payload, Buffer.from([7, 7]));
  for (const bad of [
    Buffer.alloc(0),
    Buffer.alloc(12, 0x80),
    Buffer.from('INVITE sip:x SIP/2.0'),
    Buffer.alloc(40, 0x40),
  ])
    assert.equal(readRtp(bad), null);
});
