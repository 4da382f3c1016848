import type { EventInput } from './types.ts';

/** A wall-clock reading beside a monotonic one, taken together. */
export interface ClockSample {
  wallMs: number;
  monoMs: number;
}

/**
 * How far the wall clock moved beyond the monotonic clock between two
 * samples; null while they agree within `toleranceMs` (scheduling jitter).
 */
export function clockJump(prev: ClockSample, cur: ClockSample, toleranceMs: number): number | null {
  const jump = cur.wallMs - prev.wallMs - (cur.monoMs - prev.monoMs);
  return Math.abs(jump) > toleranceMs ? jump : null;
}

const SAMPLE_EVERY_MS = 1000;
const TOLERANCE_MS = 2000;

/**
 * Records every step of the wall clock (NTP correcting a dead RTC battery, an
 * operator setting the date), so the district knows which record timestamps
 * straddle it. Sequence numbers, not timestamps, order the records.
 */
export class ClockJumpWatch {
  private last: ClockSample;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emit: (e: EventInput) => void,
    private readonly sample: () => ClockSample = () => ({ wallMs: Date.now(), monoMs: performance.now() }),
  ) {
    this.last = this.sample();
  }

  check(): number | null {
    const cur = this.sample();
    const jump = clockJump(this.last, cur, TOLERANCE_MS);
    if (jump !== null) {
      this.emit({
        topic: 'events/system',
        type: 'clock.jumped',
        source: 'gateway',
        severity: 'warning',
        data: {
          jumpMs: Math.round(jump),
          from: new Date(this.last.wallMs + (cur.monoMs - this.last.monoMs)).toISOString(),
          to: new Date(cur.wallMs).toISOString(),
        },
      });
    }
    this.last = cur;
    return jump;
  }

  start(): void {
    this.timer = setInterval(() => this.check(), SAMPLE_EVERY_MS);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}
