import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PointProfile } from '../../controller/config/types.ts';
import type { Reading } from '../../controller/core/types.ts';
import { type BlockData, decodeReadings, planReads, toBigEndian } from './register-codec.ts';

const point = (p: Partial<PointProfile> & Pick<PointProfile, 'name' | 'address'>): PointProfile => ({
  function: 3,
  byte_order: 'ABCD',
  scale: 1,
  offset: 0,
  report: true,
  unit: '',
  ...p,
});

/** Decodes points from one register table: `regs[address]`, as a device would hold them. */
function decode(points: PointProfile[], regs: Record<number, number>, bits: Record<number, boolean> = {}): Reading[] {
  const blocks = planReads(points);
  const data: BlockData[] = blocks.map((b) =>
    Array.from({ length: b.count }, (_, i) =>
      b.function <= 2 ? (bits[b.start + i] ?? false) : (regs[b.start + i] ?? 0),
    ),
  ) as BlockData[];
  return decodeReadings(blocks, data);
}
const values = (rs: Reading[]) =>
  Object.fromEntries(rs.map((r) => [r.point, r.quality === 'good' ? r.value : r.reason]));

test('Renke layout: humidity x10 in register 0, signed temperature x10 in register 1', () => {
  const points = [
    point({ name: 'humidity', address: 0, scale: 0.1 }),
    point({ name: 'temperature', address: 1, type: 'int16', scale: 0.1 }),
  ];
  const [block] = planReads(points);
  assert.deepEqual({ fc: block!.function, start: block!.start, count: block!.count }, { fc: 3, start: 0, count: 2 });
  // 0xFF9C is -100, i.e. -10.0 degrees
  assert.deepEqual(decode(points, { 0: 652, 1: 0xff9c }), [
    { point: 'humidity', value: 65.2, unit: '', quality: 'good' },
    { point: 'temperature', value: -10, unit: '', quality: 'good' },
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

test('byte orders: 0x11223344 as ABCD, CDAB, BADC and DCBA devices keep it', () => {
  assert.equal(toBigEndian([0x1122, 0x3344], 'ABCD').toString('hex'), '11223344');
  assert.equal(toBigEndian([0x3344, 0x1122], 'CDAB').toString('hex'), '11223344');
  assert.equal(toBigEndian([0x2211, 0x4433], 'BADC').toString('hex'), '11223344');
  assert.equal(toBigEndian([0x4433, 0x2211], 'DCBA').toString('hex'), '11223344');
  // 64-bit: the order covers every word.
  assert.equal(toBigEndian([0x7788, 0x5566, 0x3344, 0x1122], 'CDAB').toString('hex'), '1122334455667788');
  // The worked example of a Chinese pH meter's manual: 25.0 as a little-endian float, bytes 00 00 C8 41.
  const ph = point({ name: 't', address: 0, type: 'float32', byte_order: 'DCBA' });
  assert.deepEqual(values(decode([ph], { 0: 0x0000, 1: 0xc841 })), { t: 25 });
});

test('32- and 64-bit integers and floats, signed and not', () => {
  const points = [
    point({ name: 'i32', address: 0, type: 'int32' }),
    point({ name: 'u32', address: 2, type: 'uint32' }),
    point({ name: 'i64', address: 4, type: 'int64' }),
    point({ name: 'f64', address: 8, type: 'float64' }),
    point({ name: 'u64', address: 12, type: 'uint64' }),
  ];
  const f64 = Buffer.alloc(8);
  f64.writeDoubleBE(-1234.5678);
  assert.deepEqual(
    values(
      decode(points, {
        0: 0xffff,
        1: 0xfffe,
        2: 0x0002,
        3: 0x06f6,
        4: 0xffff,
        5: 0xffff,
        6: 0xffff,
        7: 0xfc18,
        ...Object.fromEntries([0, 1, 2, 3].map((i) => [8 + i, f64.readUInt16BE(i * 2)])),
        12: 0xffff,
        13: 0xffff,
        14: 0xffff,
        15: 0xffff,
      }),
    ),
    {
      i32: -2,
      // The JXCT illuminance manual's example: 0x0002 0x06F6 is 132854 lux.
      u32: 132854,
      i64: -1000,
      f64: -1234.5678,
      u64: '18446744073709551615 is beyond the 53 bits a number holds exactly',
    },
  );
});

test('BCD digits, bit fields of a status word, coils and discrete inputs', () => {
  const points = [
    point({ name: 'meter', address: 0, type: 'bcd32' }),
    point({ name: 'bad_bcd', address: 2, type: 'bcd16' }),
    point({ name: 'alarm', address: 3, bits: { offset: 3, length: 1 } }),
    point({ name: 'mode', address: 3, bits: { offset: 8, length: 4 } }),
    point({ name: 'door', address: 10, function: 2 }),
    point({ name: 'relay', address: 11, function: 1 }),
  ];
  assert.deepEqual(values(decode(points, { 0: 0x0012, 1: 0x3456, 2: 0x12a4, 3: 0x0508 }, { 10: true, 11: false })), {
    meter: 123456,
    bad_bcd: '0x12a4 is not binary-coded decimal',
    alarm: 1,
    mode: 5,
    door: 1,
    relay: 0,
  });
});

test('a scale read from another register: decimals and factor', () => {
  const points = [
    point({ name: 'decimals', address: 1, report: false }),
    point({ name: 'tvoc', address: 0, scale_from: { point: 'decimals', as: 'decimals' } }),
    point({ name: 'gain', address: 3, report: false }),
    point({ name: 'flow', address: 2, scale: 0.5, scale_from: { point: 'gain', as: 'factor' } }),
  ];
  assert.deepEqual(values(decode(points, { 0: 1234, 1: 3, 2: 10, 3: 4 })), { tvoc: 1.234, flow: 20 });
});

test("one bad point is marked with its reason and the device's other points are kept", () => {
  const points = [
    point({ name: 'humidity', address: 0, scale: 0.1, valid_min: 0, valid_max: 100 }),
    point({ name: 'temperature', address: 1, type: 'int16', scale: 0.1, fault_values: [0x7fff] }),
    point({ name: 'co2', address: 2, valid_max: 10000 }),
    point({ name: 'pm25', address: 20, function: 4 }),
  ];
  const blocks = planReads(points);
  const readings = decodeReadings(blocks, [[1500, 0x7fff, 612], { exception: 'exception 2 (illegal data address)' }]);
  assert.deepEqual(readings, [
    { point: 'humidity', value: 150, unit: '', quality: 'bad', reason: '150 outside 0..100' },
    {
      point: 'temperature',
      value: null,
      unit: '',
      quality: 'bad',
      reason: 'the device reports a failed measurement (32767)',
    },
    { point: 'co2', value: 612, unit: '', quality: 'good' },
    {
      point: 'pm25',
      value: null,
      unit: '',
      quality: 'bad',
      reason: 'the device refused the read: exception 2 (illegal data address)',
    },
  ]);
  // A short answer marks the points it lacks.
  assert.match(String(values(decodeReadings(planReads([points[2]!]), [[]])).co2), /missing/);
});
