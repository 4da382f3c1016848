import type { PointProfile } from '../../controller/config/types.ts';
import type { Reading } from '../../controller/core/types.ts';

/** One Modbus read request covering several points. */
export interface ReadBlock {
  function: 3 | 4;
  start: number;
  count: number;
  points: PointProfile[];
}

const MAX_REGISTERS = 125; // FC03/FC04 limit per request

export const registerWidth = (p: PointProfile) => (p.type === 'uint16' || p.type === 'int16' ? 1 : 2);

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
      end - last.start <= MAX_REGISTERS
    ) {
      last.count = Math.max(last.count, end - last.start);
      last.points.push(p);
    } else {
      blocks.push({ function: p.function, start: p.address, count: end - p.address, points: [p] });
    }
  }
  return blocks;
}

export class DecodeError extends Error {}

function raw(p: PointProfile, words: readonly number[], offset: number): number {
  const w0 = words[offset];
  if (w0 === undefined) throw new DecodeError(`${p.name}: register ${p.address} missing from response`);
  if (p.type === 'uint16') return w0;
  if (p.type === 'int16') return w0 >= 0x8000 ? w0 - 0x10000 : w0;
  const w1 = words[offset + 1];
  if (w1 === undefined) throw new DecodeError(`${p.name}: register ${p.address + 1} missing from response`);
  const [hi, lo] = p.word_order === 'little' ? [w1, w0] : [w0, w1];
  const buf = Buffer.alloc(4);
  buf.writeUInt16BE(hi, 0);
  buf.writeUInt16BE(lo, 2);
  if (p.type === 'uint32') return buf.readUInt32BE(0);
  if (p.type === 'int32') return buf.readInt32BE(0);
  return buf.readFloatBE(0);
}

/** Decodes one block's registers; a value outside the profile's valid range is an error, not a reading. */
export function decodeBlock(block: ReadBlock, words: readonly number[]): Reading[] {
  if (words.length < block.count) throw new DecodeError(`expected ${block.count} registers, got ${words.length}`);
  return block.points.map((p) => {
    const v = raw(p, words, p.address - block.start) * p.scale + p.offset;
    const value = Math.round(v * 1e6) / 1e6;
    if (!Number.isFinite(value)) throw new DecodeError(`${p.name}: not a number`);
    if ((p.valid_min !== undefined && value < p.valid_min) || (p.valid_max !== undefined && value > p.valid_max)) {
      throw new DecodeError(`${p.name}: ${value} outside ${p.valid_min ?? '-inf'}..${p.valid_max ?? 'inf'}`);
    }
    return { point: p.name, value, unit: p.unit };
  });
}
