import type { DeviceProfile } from '../../controller/config/types.ts';
import type { Reading } from '../../controller/core/types.ts';
import { TimeoutError } from './bus-scheduler.ts';
import { LinkDownError } from './modbus-link.ts';
import { type ReadFn, readBlocks } from './read-blocks.ts';
import { type BlockData, decodeReadings, planReads } from './register-codec.ts';

export interface ScanHit {
  address: number;
  /** Profiles whose registers the device answered with values inside their valid ranges. */
  matches: { profile: string; readings: Reading[] }[];
  /** Profiles whose registers all read zero: they fit, but so would any unit that answers zeros. */
  unconfirmed: string[];
}

/** A serial line's settings, as a bus or a scan has them. */
export interface SerialLine {
  baud_rate: number;
  data_bits: number;
  parity: string;
  stop_bits: number;
}

/** Whether the model leaves the factory at this line (what its profile states of it). */
const factoryLineIs = (p: DeviceProfile, line: SerialLine) =>
  (['baud_rate', 'data_bits', 'parity', 'stop_bits'] as const).every(
    (k) => p.serial?.[k] === undefined || p.serial[k] === line[k],
  );

const allZero = (data: readonly BlockData[]) =>
  data.every((d) => !('exception' in d) && (d as readonly (number | boolean)[]).every((v) => !v));

/**
 * Finds the units that answer on a Modbus bus and which device profiles fit them. A Modbus
 * exception or an implausible value means a unit this profile does not describe; silence to
 * every profile means no unit (cheap sensors ignore registers they lack rather than answer an
 * exception, so one timeout proves nothing). Registers that are all zero prove nothing either:
 * such a profile is listed as unconfirmed, not proposed. The best match (most points, then a
 * model that leaves the factory at the line being scanned) comes first.
 */
export async function scanAddresses(
  read: ReadFn,
  addresses: readonly number[],
  profiles: ReadonlyMap<string, DeviceProfile>,
  line?: SerialLine,
): Promise<ScanHit[]> {
  const hits: ScanHit[] = [];
  for (const address of addresses) {
    const hit: ScanHit = { address, matches: [], unconfirmed: [] };
    let answered = false;
    // Profiles often share their first registers: ask the unit once per distinct read.
    const asked = new Map<string, Promise<number[] | boolean[]>>();
    const once: ReadFn = (unit, fc, start, count) => {
      const key = `${fc}:${start}:${count}`;
      if (!asked.has(key)) asked.set(key, read(unit, fc, start, count));
      return asked.get(key)!;
    };
    for (const [id, profile] of profiles) {
      const blocks = planReads(profile.points);
      try {
        const data = await readBlocks(once, address, blocks);
        answered = true;
        const readings = decodeReadings(blocks, data);
        if (readings.some((r) => r.quality === 'bad')) continue;
        if (allZero(data)) hit.unconfirmed.push(id);
        else hit.matches.push({ profile: id, readings });
      } catch (err) {
        if (err instanceof LinkDownError) throw err;
        if (!(err instanceof TimeoutError)) answered = true;
      }
    }
    // More fitting points first; among equals, a model whose factory line is the one scanned
    // (several makers share one register table, and their baud rate tells them apart).
    const atItsLine = (id: string) => (line && factoryLineIs(profiles.get(id)!, line) ? 1 : 0);
    hit.matches.sort((a, b) => b.readings.length - a.readings.length || atItsLine(b.profile) - atItsLine(a.profile));
    if (answered) hits.push(hit);
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
