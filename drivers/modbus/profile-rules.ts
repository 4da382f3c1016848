import type { DeviceProfile } from '../../controller/config/types.ts';
import { isBitFunction, pointType, registerWidth } from './register-codec.ts';

export interface ProfileProblem {
  path: (string | number)[];
  message: string;
}

const INTEGER = new Set(['uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64']);

/** What the schema cannot say about a profile: types that fit their function code, bit fields that fit, scale references that resolve. */
export function profileProblems(profile: DeviceProfile): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  const names = new Map<string, number>();
  profile.points.forEach((p, i) => {
    const at = (field: string, message: string) => out.push({ path: ['points', i, field], message });
    if (names.has(p.name)) at('name', `point "${p.name}" is already defined at points[${names.get(p.name)}]`);
    names.set(p.name, i);
    const type = pointType(p);
    if (isBitFunction(p.function) !== (type === 'bool'))
      at(
        'type',
        isBitFunction(p.function)
          ? `FC0${p.function} reads bits: type must be bool`
          : 'bool needs FC01 or FC02; use bits for a flag in a register',
      );
    if (p.bits) {
      if (!INTEGER.has(type)) at('bits', `bit fields need an integer type, not ${type}`);
      else if (p.bits.offset + p.bits.length > registerWidth(p) * 16)
        at('bits', `bits ${p.bits.offset}..${p.bits.offset + p.bits.length - 1} do not fit in ${type}`);
    }
  });
  profile.points.forEach((p, i) => {
    if (!p.scale_from) return;
    const from = profile.points.find((q) => q.name === p.scale_from!.point);
    const at = (message: string) => out.push({ path: ['points', i, 'scale_from', 'point'], message });
    if (!from) at(`no point "${p.scale_from.point}" in this profile`);
    else if (from === p) at('a point cannot scale itself');
    else if (from.scale_from) at(`"${from.name}" is itself scaled from another point; one step only`);
  });
  return out;
}
