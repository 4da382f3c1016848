import type { BlockData, FunctionCode, ReadBlock } from './register-codec.ts';

export type ReadFn = (unit: number, fc: FunctionCode, start: number, count: number) => Promise<number[] | boolean[]>;

// Modbus exception codes (Modbus Application Protocol v1.1b3, section 7).
const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
};
// 10 and 11 come from a gateway whose device behind it did not answer: that is no answer, not a refusal.
const NO_ANSWER = new Set([10, 11]);

/**
 * Reads each block of a device's profile. A block the device refuses with an
 * exception becomes that exception, so its points are marked bad and the
 * others kept; no answer at all (a timeout, a broken frame, a gateway that
 * cannot reach the device) fails the whole poll.
 */
export async function readBlocks(read: ReadFn, unit: number, blocks: readonly ReadBlock[]): Promise<BlockData[]> {
  const out: BlockData[] = [];
  for (const b of blocks) {
    try {
      out.push(await read(unit, b.function, b.start, b.count));
    } catch (err) {
      const code = (err as { modbusCode?: number }).modbusCode;
      if (code === undefined || NO_ANSWER.has(code)) throw err;
      out.push({ exception: `exception ${code} (${EXCEPTIONS[code] ?? 'unknown'})` });
    }
  }
  return out;
}
