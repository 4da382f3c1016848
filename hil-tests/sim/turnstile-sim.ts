import type { Direction } from '../../controller/features/access/types.ts';
import { ModbusUnit } from './modbus-unit.ts';

export interface TurnstileLayout {
  coils: { in: number; out: number };
  inputs: { passage_in: number; passage_out: number; forced: number; fire: number };
  fireActiveLow: boolean;
}

export const defaultLayout: TurnstileLayout = {
  coils: { in: 0, out: 1 },
  inputs: { passage_in: 0, passage_out: 1, forced: 2, fire: 3 },
  fireActiveLow: true,
};

/**
 * A turnstile behind a Modbus relay board: open relays on coils, passage,
 * forced and fire contacts on discrete inputs. With `autoPass` a person walks
 * through each time the gate is opened; `walk()` sends someone through
 * without a grant, for tailgating.
 */
export class TurnstileSim {
  readonly unit = new ModbusUnit();
  autoPass = true;
  /** Every relay change, for timing checks. */
  readonly relayLog: { at: number; direction: Direction; on: boolean }[] = [];

  constructor(readonly layout: TurnstileLayout = defaultLayout) {
    this.setFire(false);
    this.unit.onCoil = (addr, on) => {
      const direction = addr === layout.coils.in ? 'in' : addr === layout.coils.out ? 'out' : null;
      if (!direction) return;
      this.relayLog.push({ at: Date.now(), direction, on });
      if (on && this.autoPass) setTimeout(() => this.walk(direction), 100);
    };
  }

  isOpen(direction: Direction): boolean {
    return this.unit.coils[this.layout.coils[direction]] === 1;
  }

  /** A passage pulse on the direction's input, as the turnstile's arm sensor gives. */
  walk(direction: Direction, ms = 300): void {
    const input = direction === 'in' ? this.layout.inputs.passage_in : this.layout.inputs.passage_out;
    this.unit.discrete[input] = 1;
    setTimeout(() => {
      this.unit.discrete[input] = 0;
    }, ms);
  }

  setFire(active: boolean): void {
    this.unit.discrete[this.layout.inputs.fire] = active !== this.layout.fireActiveLow ? 1 : 0;
  }

  setForced(active: boolean): void {
    this.unit.discrete[this.layout.inputs.forced] = active ? 1 : 0;
  }
}
