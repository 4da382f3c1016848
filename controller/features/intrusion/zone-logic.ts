/**
 * One intrusion zone (防区) as an alarm panel keeps it (GB 50394): disarmed, leaving (the exit
 * delay after arming), armed, entering (the entry delay after it opened while armed, to disarm),
 * or in alarm until disarmed. A bypassed zone ignores its detector; its tamper is always armed.
 * Pure: time comes in, what happened goes out.
 */
export type ZoneState = 'disarmed' | 'exit' | 'armed' | 'entry' | 'alarm';

export type ZoneOutcome =
  | { kind: 'state'; state: ZoneState; why: string }
  | { kind: 'intrusion' }
  | { kind: 'tamper'; active: boolean };

export class ZoneLogic {
  state: ZoneState = 'disarmed';
  bypassed = false;
  open = false;
  tampered = false;
  private deadline = 0;

  constructor(
    private readonly entryMs: number,
    private readonly exitMs: number,
  ) {}

  private to(state: ZoneState, why: string, now: number, delayMs = 0): ZoneOutcome[] {
    this.state = state;
    this.deadline = now + delayMs;
    return [{ kind: 'state', state, why }];
  }

  private trigger(now: number): ZoneOutcome[] {
    if (this.entryMs) return this.to('entry', 'the zone opened: entry delay', now, this.entryMs);
    return [...this.to('alarm', 'the zone opened while armed', now), { kind: 'intrusion' }];
  }

  arm(now: number, why: string): ZoneOutcome[] {
    if (this.state !== 'disarmed') return [];
    if (this.exitMs) return this.to('exit', why, now, this.exitMs);
    const out = this.to('armed', why, now);
    return this.open && !this.bypassed ? [...out, ...this.trigger(now)] : out;
  }

  disarm(now: number, why: string): ZoneOutcome[] {
    return this.state === 'disarmed' ? [] : this.to('disarmed', why, now);
  }

  input(open: boolean, now: number): ZoneOutcome[] {
    const rising = open && !this.open;
    this.open = open;
    return rising && !this.bypassed && this.state === 'armed' ? this.trigger(now) : [];
  }

  tamperInput(active: boolean): ZoneOutcome[] {
    if (active === this.tampered) return [];
    this.tampered = active;
    return [{ kind: 'tamper', active }];
  }

  bypass(on: boolean): void {
    this.bypassed = on;
  }

  tick(now: number): ZoneOutcome[] {
    if (now < this.deadline) return [];
    if (this.state === 'exit') {
      // Still open when the exit time is up: someone did not leave, or the door was left open.
      const out = this.to('armed', 'the exit delay ended', now);
      return this.open && !this.bypassed ? [...out, ...this.trigger(now)] : out;
    }
    if (this.state === 'entry')
      return [...this.to('alarm', 'not disarmed within the entry delay', now), { kind: 'intrusion' }];
    return [];
  }
}
