import { decodeBits } from '../wiegand-codec.ts';
import type { RawCard } from './messages.ts';

/**
 * The canonical card id of an OSDP raw read: Wiegand W26/W34 frames are
 * parity-checked and stripped like a Wiegand reader's; any other length is
 * the bits as an unsigned number.
 */
export function cardFromRaw(raw: RawCard): { card: string; format: string } {
  if (raw.bits.length === 26 || raw.bits.length === 34) {
    const r = decodeBits(raw.bits);
    return { card: String(r.value), format: r.format };
  }
  if (!raw.bits.length) throw new Error('empty card data');
  return { card: BigInt(`0b${raw.bits}`).toString(), format: `raw${raw.bits.length}` };
}
