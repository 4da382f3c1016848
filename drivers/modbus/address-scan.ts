import type { DeviceProfile } from '../../controller/config/types.ts';
import type { Reading } from '../../controller/core/types.ts';
import { TimeoutError } from './bus-scheduler.ts';
import { LinkDownError } from './modbus-link.ts';
import { decodeBlock, planReads } from './register-codec.ts';

export type ReadRegisters = (unit: number, fc: 3 | 4, start: number, count: number) => Promise<number[]>;

export interface ScanHit {
  address: number;
  /** Profiles whose registers the device answered with values inside their valid ranges. */
  matches: { profile: string; readings: Reading[] }[];
}

/**
 * Finds the units that answer on a Modbus bus and which device profiles fit them. A Modbus
 * exception or an implausible value means a unit this profile does not describe; silence to
 * every profile means no unit (cheap sensors ignore registers they lack rather than answer an
 * exception, so one timeout proves nothing). The best match (most points) comes first.
 */
export async function scanAddresses(
  read: ReadRegisters,
  addresses: readonly number[],
  profiles: ReadonlyMap<string, DeviceProfile>,
): Promise<ScanHit[]> {
  const hits: ScanHit[] = [];
  for (const address of addresses) {
    const matches: ScanHit['matches'] = [];
    let answered = false;
    // Profiles often share their first registers: ask the unit once per distinct read.
    const asked = new Map<string, Promise<number[]>>();
    const once = (fc: 3 | 4, start: number, count: number) => {
      const key = `${fc}:${start}:${count}`;
      if (!asked.has(key)) asked.set(key, read(address, fc, start, count));
      return asked.get(key)!;
    };
    for (const [id, profile] of profiles) {
      try {
        const readings: Reading[] = [];
        for (const block of planReads(profile.points)) {
          readings.push(...decodeBlock(block, await once(block.function, block.start, block.count)));
        }
        matches.push({ profile: id, readings });
        answered = true;
      } catch (err) {
        if (err instanceof LinkDownError) throw err;
        if (!(err instanceof TimeoutError)) answered = true;
      }
    }
    if (answered) hits.push({ address, matches: matches.sort((a, b) => b.readings.length - a.readings.length) });
  }
  return hits;
}

/** "1-32,40" → [1..32, 40], within Modbus unit addresses 1..247. */
export function parseAddressList(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`"${part}" is not an address or a range like 1-32`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from < 1 || to > 247 || from > to) throw new Error(`"${part}": Modbus unit addresses run from 1 to 247`);
    for (let a = from; a <= to; a++) out.add(a);
  }
  return [...out];
}
