import type { PointProfile } from '../../controller/config/types.ts';
import type { Reading } from '../../controller/core/types.ts';

export type PointType = NonNullable<PointProfile['type']>;
export type FunctionCode = PointProfile['function'];

/** One Modbus read request covering several points. */
export interface ReadBlock {
  function: FunctionCode;
  start: number;
  count: number;
  points: PointProfile[];
}

/** What one block's read gave: registers, bits, or the Modbus exception that refused it. */
export type BlockData = readonly number[] | readonly boolean[] | { exception: string };

// Per request: 125 registers (FC03/04), 2000 bits (FC01/02).
const MAX_COUNT: Record<FunctionCode, number> = { 1: 2000, 2: 2000, 3: 125, 4: 125 };

const WIDTH: Record<PointType, number> = {
  bool: 1,
  uint16: 1,
  int16: 1,
  bcd16: 1,
  uint32: 2,
  int32: 2,
  float32: 2,
  bcd32: 2,
  uint64: 4,
  int64: 4,
  float64: 4,
};

export const isBitFunction = (fc: FunctionCode) => fc === 1 || fc === 2;
export const pointType = (p: PointProfile): PointType => p.type ?? (isBitFunction(p.function) ? 'bool' : 'uint16');
/** Registers (or bits, for FC01/02) a point spans. */
export const registerWidth = (p: PointProfile) => WIDTH[pointType(p)];

/**
 * Groups a profile's points into as few reads as possible: points of the same
 * function code whose registers are close together share one request.
 */
export function planReads(points: readonly PointProfile[], maxGap = 8): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const sorted = [...points].sort((a, b) => a.function - b.function || a.address - b.address);
  for (const p of sorted) {
    const end = p.address + registerWidth(p);
    const last = blocks[blocks.length - 1];
    if (
      last &&
      last.function === p.function &&
      p.address - (last.start + last.count) <= maxGap &&
      end - last.start <= MAX_COUNT[p.function]
    ) {
      last.count = Math.max(last.count, end - last.start);
      last.points.push(p);
    } else {
      blocks.push({ function: p.function, start: p.address, count: end - p.address, points: [p] });
    }
  }
  return blocks;
}

/** A point that could not be read as a number. */
class BadPoint extends Error {}

/** The registers of one value in big-endian byte order (ABCD), whatever order the device keeps them in. */
export function toBigEndian(words: readonly number[], order: PointProfile['byte_order']): Buffer {
  const ordered = order === 'CDAB' || order === 'DCBA' ? [...words].reverse() : words;
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => {
    buf.writeUInt16BE(w, i * 2);
  });
  if (order === 'BADC' || order === 'DCBA') buf.swap16();
  return buf;
}

function bcd(digits: bigint, width: number): number {
  let value = 0;
  for (let i = width * 4 - 1; i >= 0; i--) {
    const nibble = Number((digits >> BigInt(i * 4)) & 0xfn);
    if (nibble > 9) throw new BadPoint(`0x${digits.toString(16)} is not binary-coded decimal`);
    value = value * 10 + nibble;
  }
  return value;
}

function bigToNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
    throw new BadPoint(`${v} is beyond the 53 bits a number holds exactly`);
  return Number(v);
}

/** The point's raw number, before scale and offset. */
function rawValue(p: PointProfile, words: readonly number[]): { raw: number; unsigned: bigint } {
  const buf = toBigEndian(words, p.byte_order);
  const unsigned =
    words.length === 1
      ? BigInt(buf.readUInt16BE(0))
      : buf.length === 4
        ? BigInt(buf.readUInt32BE(0))
        : buf.readBigUInt64BE(0);
  if (p.bits) {
    const field = (unsigned >> BigInt(p.bits.offset)) & ((1n << BigInt(p.bits.length)) - 1n);
    return { raw: Number(field), unsigned };
  }
  const type = pointType(p);
  switch (type) {
    case 'int16':
      return { raw: buf.readInt16BE(0), unsigned };
    case 'int32':
      return { raw: buf.readInt32BE(0), unsigned };
    case 'float32':
      return { raw: buf.readFloatBE(0), unsigned };
    case 'int64':
      return { raw: bigToNumber(buf.readBigInt64BE(0)), unsigned };
    case 'float64':
      return { raw: buf.readDoubleBE(0), unsigned };
    case 'bcd16':
    case 'bcd32':
      return { raw: bcd(unsigned, WIDTH[type]), unsigned };
    default:
      return { raw: bigToNumber(unsigned), unsigned };
  }
}

function slice(block: ReadBlock, data: BlockData, p: PointProfile): number[] {
  if ('exception' in data) throw new BadPoint(`the device refused the read: ${data.exception}`);
  const at = p.address - block.start;
  const width = registerWidth(p);
  if (data.length < at + width)
    throw new BadPoint(`register ${p.address + width - 1} missing from a response of ${data.length}`);
  return (data.slice(at, at + width) as (number | boolean)[]).map(Number);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * Decodes every point of a poll. A point that cannot be read (refused, not a
 * number, a fault value, out of its valid range) is a reading of bad quality
 * with the reason; the device's other points are kept.
 */
export function decodeReadings(blocks: readonly ReadBlock[], data: readonly BlockData[]): Reading[] {
  const raws = new Map<string, number | BadPoint>();
  const points: PointProfile[] = [];
  blocks.forEach((block, i) => {
    for (const p of block.points) {
      points.push(p);
      try {
        const { raw, unsigned } = rawValue(p, slice(block, data[i]!, p));
        if (p.fault_values?.some((f) => BigInt(f) === unsigned || f === raw))
          throw new BadPoint(`the device reports a failed measurement (${raw})`);
        raws.set(p.name, raw);
      } catch (err) {
        if (!(err instanceof BadPoint)) throw err;
        raws.set(p.name, err);
      }
    }
  });
  const scaled = (p: PointProfile): number => {
    const raw = raws.get(p.name)!;
    if (raw instanceof BadPoint) throw raw;
    let factor = p.scale;
    if (p.scale_from) {
      const from = points.find((q) => q.name === p.scale_from!.point)!;
      const by = scaled(from);
      factor *= p.scale_from.as === 'decimals' ? 10 ** -by : by;
    }
    return raw * factor + p.offset;
  };
  return points
    .filter((p) => p.report)
    .map((p): Reading => {
      try {
        const value = round(scaled(p));
        if (!Number.isFinite(value)) return bad(p, null, 'not a number');
        if ((p.valid_min !== undefined && value < p.valid_min) || (p.valid_max !== undefined && value > p.valid_max))
          return bad(p, value, `${value} outside ${p.valid_min ?? '-∞'}..${p.valid_max ?? '∞'}`);
        return { point: p.name, value, unit: p.unit, quality: 'good' };
      } catch (err) {
        if (!(err instanceof BadPoint)) throw err;
        return bad(
          p,
          null,
          p.scale_from && !(raws.get(p.name) instanceof BadPoint)
            ? `scale from ${p.scale_from.point}: ${err.message}`
            : err.message,
        );
      }
    });
}

const bad = (p: PointProfile, value: number | null, reason: string): Reading => ({
  point: p.name,
  value,
  unit: p.unit,
  quality: 'bad',
  reason,
});
