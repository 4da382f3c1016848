import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeAsciiLine,
  decodeBinaryFrame,
  decodeBits,
  encodeBinaryFrame,
  encodeBits,
  WiegandError,
} from './wiegand-codec.ts';

test('W26: facility 123, card 4567 with both parity bits', () => {
  const bits = encodeBits('w26', (123 << 16) | 4567);
  assert.equal(bits.length, 26);
  // facility 123 = 01111011, card 4567 = 0001000111010111
  assert.equal(bits.slice(1, 25), '011110110001000111010111');
  assert.equal(bits[0], '1', 'even parity: 011110110001 has 7 ones');
  assert.equal(bits[25], '0', 'odd parity: 000111010111 has 7 ones already');
  assert.deepEqual(decodeBits(bits), { format: 'w26', bits, value: (123 << 16) | 4567, facility: 123, card: 4567 });
});

test('W34 carries 32 data bits', () => {
  const bits = encodeBits('w34', 0xdeadbeef);
  assert.equal(decodeBits(bits).value, 0xdeadbeef);
});

test('a flipped bit fails the parity of its half', () => {
  const bits = encodeBits('w26', 0x7b11d7);
  const flip = (i: number) => bits.slice(0, i) + (bits[i] === '1' ? '0' : '1') + bits.slice(i + 1);
  assert.throws(() => decodeBits(flip(3)), /even parity/);
  assert.throws(() => decodeBits(flip(20)), /odd parity/);
  assert.throws(() => decodeBits(bits.slice(1)), /unsupported length 25/);
  assert.throws(() => decodeBits('01x'), WiegandError);
});

test('ASCII converter lines: decimal or bit-count:hex; garbage is refused', () => {
  assert.equal(decodeAsciiLine('0008066007\r\n', 'w26').value, 8066007);
  const hex = parseInt(encodeBits('w26', 8066007), 2).toString(16);
  assert.equal(decodeAsciiLine(`26:${hex}`, 'w26').card, 8066007 & 0xffff);
  assert.throws(() => decodeAsciiLine('99999999999', 'w26'), /not a card line/);
  assert.throws(() => decodeAsciiLine('16777216', 'w26'), /does not fit/);
  assert.throws(() => decodeAsciiLine('\u0000\u00ff#', 'w26'), /not a card line/);
});

test('binary frames round-trip and reject a bad checksum', () => {
  const frame = encodeBinaryFrame(encodeBits('w34', 305419896));
  assert.equal(decodeBinaryFrame(frame).value, 305419896);
  const bad = Buffer.from(frame);
  bad[3]! ^= 0x01;
  assert.throws(() => decodeBinaryFrame(bad), /checksum/);
  assert.throws(() => decodeBinaryFrame(Buffer.from([0x02, 26, 1, 0x03])), /bad framing|length/);
});
