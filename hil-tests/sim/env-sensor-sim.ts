import { join } from 'node:path';
import { loadProfile, shippedProfilesDir } from '../../controller/config/load-site.ts';
import type { DeviceProfile, PointProfile } from '../../controller/config/types.ts';
import type { ConfigIssue } from '../../controller/config/yaml-source.ts';
import { registerWidth } from '../../drivers/modbus/register-codec.ts';
import { ModbusUnit } from './modbus-unit.ts';

/**
 * A simulated environmental sensor: a Modbus unit whose registers hold values
 * laid out as the model's profile describes (its own encoder, not the
 * controller's decoder), so a model with swapped registers or other scaling is
 * simulated faithfully. The Modbus tests also read shipped models from
 * pymodbus with registers written from the datasheets by hand.
 */
export class EnvSensorSim {
  readonly unit = new ModbusUnit();
  private readonly points: Map<string, PointProfile>;

  constructor(
    readonly profile: DeviceProfile,
    initial: Record<string, number> = {},
  ) {
    this.points = new Map(profile.points.map((p) => [p.name, p]));
    for (const fc of [3, 4] as const) {
      this.unit.registerCount[fc] = Math.max(
        0,
        ...profile.points.filter((p) => p.function === fc).map((p) => p.address + registerWidth(p)),
      );
    }
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  static fromProfile(name: string, initial: Record<string, number> = {}): EnvSensorSim {
    const issues: ConfigIssue[] = [];
    const profile = loadProfile(join(shippedProfilesDir, `${name}.yaml`), issues);
    if (!profile) throw new Error(`profile ${name}: ${issues.map((i) => i.message).join('; ') || 'not found'}`);
    return new EnvSensorSim(profile, initial);
  }

  /** Writes a value the way the model's datasheet says it keeps it; written here, not with the controller's codec. */
  set(point: string, value: number): void {
    const p = this.points.get(point);
    if (!p) throw new Error(`${this.profile.model} has no point ${point}`);
    if (p.function === 1 || p.function === 2) {
      (p.function === 1 ? this.unit.coils : this.unit.discrete)[p.address] = value ? 1 : 0;
      return;
    }
    if (p.bits || p.scale_from) throw new Error(`${point} shares its register or its scale: use setRaw`);
    const table = p.function === 3 ? this.unit.holding : this.unit.input;
    encodeWords(p, (value - p.offset) / p.scale).forEach((w, i) => {
      table[p.address + i] = w;
    });
  }

  /** Puts raw words in a point's registers, as a faulty device would. */
  setRaw(point: string, words: number[]): void {
    const p = this.points.get(point)!;
    const table = p.function === 3 ? this.unit.holding : this.unit.input;
    words.forEach((w, i) => {
      table[p.address + i] = w;
    });
  }
}

/** The registers holding `raw` (a value before scale and offset) for a point of this type and byte order. */
export function encodeWords(p: PointProfile, raw: number): number[] {
  const type = p.type ?? 'uint16';
  const bytes = Buffer.alloc(
    ['uint64', 'int64', 'float64'].includes(type) ? 8 : ['uint16', 'int16', 'bcd16'].includes(type) ? 2 : 4,
  );
  const int = Math.round(raw);
  switch (type) {
    case 'uint16':
    case 'int16':
      bytes.writeUInt16BE(int & 0xffff);
      break;
    case 'uint32':
    case 'int32':
      bytes.writeUInt32BE(int >>> 0);
      break;
    case 'float32':
      bytes.writeFloatBE(raw);
      break;
    case 'uint64':
    case 'int64':
      bytes.writeBigInt64BE(BigInt(int));
      break;
    case 'float64':
      bytes.writeDoubleBE(raw);
      break;
    case 'bcd16':
    case 'bcd32':
      // Each decimal digit in its own nibble: 1234 is 0x1234.
      bytes.writeUIntBE(Number.parseInt(String(int), 16), 0, bytes.length);
      break;
    default:
      throw new Error(`cannot simulate ${type}`);
  }
  // Big-endian words, then the device's order: D C B A reversed, bytes swapped within words.
  const order = p.byte_order ?? 'ABCD';
  if (order === 'BADC' || order === 'DCBA') bytes.swap16();
  const words = Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readUInt16BE(i * 2));
  return order === 'CDAB' || order === 'DCBA' ? words.reverse() : words;
}
