import { join } from 'node:path';
import { loadProfile, shippedProfilesDir } from '../../controller/config/load-site.ts';
import type { DeviceProfile, PointProfile } from '../../controller/config/types.ts';
import type { ConfigIssue } from '../../controller/config/yaml-source.ts';
import { registerWidth } from '../../drivers/modbus/register-codec.ts';
import { ModbusUnit } from './modbus-unit.ts';

/**
 * A simulated environmental sensor: a Modbus unit whose registers hold values
 * encoded by the same device profile the controller decodes with, so a model
 * with swapped registers or other scaling is simulated faithfully.
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

  set(point: string, value: number): void {
    const p = this.points.get(point);
    if (!p) throw new Error(`${this.profile.model} has no point ${point}`);
    const table = p.function === 3 ? this.unit.holding : this.unit.input;
    const raw = Math.round((value - p.offset) / p.scale);
    const buf = Buffer.alloc(4);
    switch (p.type) {
      case 'uint16':
      case 'int16':
        table[p.address] = raw & 0xffff;
        return;
      case 'uint32':
        buf.writeUInt32BE(raw >>> 0);
        break;
      case 'int32':
        buf.writeInt32BE(raw);
        break;
      case 'float32':
        buf.writeFloatBE((value - p.offset) / p.scale);
        break;
    }
    const [hi, lo] = [buf.readUInt16BE(0), buf.readUInt16BE(2)];
    table[p.address] = p.word_order === 'little' ? lo : hi;
    table[p.address + 1] = p.word_order === 'little' ? hi : lo;
  }
}
