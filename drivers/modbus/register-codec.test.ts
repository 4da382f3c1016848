import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PointProfile } from '../../controller/config/types.ts';
import { DecodeError, decodeBlock, planReads } from './register-codec.ts';

const point = (p: Partial<PointProfile> & Pick<PointProfile, 'name' | 'address'>): PointProfile => ({
  function: 3,
  type: 'uint16',
  word_order: 'big',
  scale: 1,
  offset: 0,
  unit: '',
  ...p,
});

test('Renke layout: humidity x10 in register 0, signed temperature x10 in register 1', () => {
  const points = [
    point({ name: 'humidity', address: 0, scale: 0.1 }),
    point({ name: 'temperature', address: 1, type: 'int16', scale: 0.1 }),
  ];
  const [block] = planReads(points);
  assert.deepEqual({ fc: block!.function, start: block!.start, count: block!.count }, { fc: 3, start: 0, count: 2 });
  // 0xFF9C is -100, i.e. -10.0 degrees
  assert.deepEqual(decodeBlock(block!, [652, 0xff9c]), [
    { point: 'humidity', value: 65.2, unit: '' },
    { point: 'temperature', value: -10, unit: '' },
  ]);
});

test('reads are grouped per function code and split when registers are far apart', () => {
  const blocks = planReads([
    point({ name: 'a', address: 0 }),
    point({ name: 'b', address: 4 }),
    point({ name: 'c', address: 200 }),
    point({ name: 'd', address: 0, function: 4 }),
  ]);
  assert.deepEqual(
    blocks.map((b) => [b.function, b.start, b.count]),
    [
      [3, 0, 5],
      [3, 200, 1],
      [4, 0, 1],
    ],
  );
});

test('32-bit values honour the word order', () => {
  const big = point({ name: 'f', address: 10, type: 'float32' });
  const little = point({ name: 'f', address: 10, type: 'float32', word_order: 'little' });
  const buf = Buffer.alloc(4);
  buf.writeFloatBE(412.5);
  const [hi, lo] = [buf.readUInt16BE(0), buf.readUInt16BE(2)];
  assert.equal(decodeBlock(planReads([big])[0]!, [hi, lo])[0]!.value, 412.5);
  assert.equal(decodeBlock(planReads([little])[0]!, [lo, hi])[0]!.value, 412.5);
  assert.equal(
    decodeBlock(planReads([point({ name: 'i', address: 0, type: 'int32' })])[0]!, [0xffff, 0xfffe])[0]!.value,
    -2,
  );
});

test('a short response or a value outside the valid range is a decode error, not a reading', () => {
  const p = point({ name: 'co2', address: 2, valid_min: 0, valid_max: 10000 });
  const [block] = planReads([p]);
  assert.throws(() => decodeBlock(block!, []), DecodeError);
  assert.throws(() => decodeBlock(block!, [65535]), /outside/);
});
