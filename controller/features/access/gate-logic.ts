import type { Direction, GateInputs } from '../../../drivers/contract.ts';
import type { GateMode } from './types.ts';

/** The gate's inputs after polarity is applied: true means active. */

export interface Grant {
  direction: Direction;
  cardholderId: string | null;
  until: number;
}

export type GateOutcome =
  | { kind: 'passage'; direction: Direction; grant: Grant | null }
  | { kind: 'alarm'; type: 'tailgating' | 'reverse-entry' | 'forced-entry' | 'held-open'; direction?: Direction }
  | { kind: 'clear'; type: 'forced-entry' | 'held-open' }
  | { kind: 'fire'; active: boolean }
  | { kind: 'grant-expired'; grant: Grant };

export const IDLE: GateInputs = { passageIn: false, passageOut: false, forced: false, fire: false, doorOpen: false };

/**
 * What a gate's inputs mean, given the grants it was sent: a passage that
 * uses a grant, one in the opposite direction (reverse entry), one with no
 * grant at all (tailgating), a forced gate, a door held open, the fire signal.
 * Pure: the caller feeds inputs and time, and acts on the outcomes.
 */
export class GateLogic {
  mode: GateMode;
  private grants: Grant[] = [];
  private last: GateInputs = IDLE;
  private doorOpenSince: number | null = null;
  private heldOpenRaised = false;

  constructor(
    private readonly grantWindowMs: number,
    private readonly heldOpenMs: number,
    mode: GateMode = 'normal',
  ) {
    this.mode = mode;
  }

  grant(direction: Direction, cardholderId: string | null, now: number): Grant {
    const g = { direction, cardholderId, until: now + this.grantWindowMs };
    this.grants.push(g);
    return g;
  }

  get pending(): readonly Grant[] {
    return this.grants;
  }

  inputs(next: GateInputs, now: number): GateOutcome[] {
    const out: GateOutcome[] = [];
    const rising = (k: keyof GateInputs) => next[k] && !this.last[k];
    const falling = (k: keyof GateInputs) => !next[k] && this.last[k];
    if (rising('fire') || falling('fire')) out.push({ kind: 'fire', active: next.fire });
    if (rising('forced')) out.push({ kind: 'alarm', type: 'forced-entry' });
    if (falling('forced')) out.push({ kind: 'clear', type: 'forced-entry' });
    for (const [key, direction] of [
      ['passageIn', 'in'],
      ['passageOut', 'out'],
    ] as const) {
      if (rising(key)) out.push(...this.passage(direction, now, next.fire));
    }
    if (rising('doorOpen')) this.doorOpenSince = now;
    if (falling('doorOpen')) {
      this.doorOpenSince = null;
      if (this.heldOpenRaised) out.push({ kind: 'clear', type: 'held-open' });
      this.heldOpenRaised = false;
    }
    this.last = next;
    return [...out, ...this.tick(now)];
  }

  /** Timers: unused grants expire; a door open too long is held open. */
  tick(now: number): GateOutcome[] {
    const out: GateOutcome[] = [];
    for (const g of this.grants.filter((x) => x.until <= now)) out.push({ kind: 'grant-expired', grant: g });
    this.grants = this.grants.filter((x) => x.until > now);
    if (this.doorOpenSince !== null && !this.heldOpenRaised && now - this.doorOpenSince >= this.heldOpenMs) {
      this.heldOpenRaised = true;
      out.push({ kind: 'alarm', type: 'held-open' });
    }
    return out;
  }

  private passage(direction: Direction, now: number, fire: boolean): GateOutcome[] {
    const live = this.grants.filter((g) => g.until > now);
    // A person's grant first: a remote open nobody used must not take the next pupil's entry, and
    // when both are used the count and each pupil's record still come out right.
    const mine =
      live.find((g) => g.direction === direction && g.cardholderId !== null) ??
      live.find((g) => g.direction === direction);
    if (mine) {
      this.grants = this.grants.filter((g) => g !== mine);
      return [{ kind: 'passage', direction, grant: mine }];
    }
    if (this.mode === 'free' || fire) return [{ kind: 'passage', direction, grant: null }];
    if (live.some((g) => g.direction !== direction))
      return [
        { kind: 'passage', direction, grant: null },
        { kind: 'alarm', type: 'reverse-entry', direction },
      ];
    return [
      { kind: 'passage', direction, grant: null },
      { kind: 'alarm', type: 'tailgating', direction },
    ];
  }
}
