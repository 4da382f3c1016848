/**
 * How many taps a board takes, and when its refusals become an alarm. A class taps in at a
 * steady pace; a script typing card numbers into a board's socket does not. Each board has a
 * bucket of taps that refills at one a second, and five refused taps within a minute raise an alarm.
 */
export class TapGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly burst = 30,
    private readonly perSecond = 1,
    private readonly failuresForAlarm = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Takes one tap from the board's bucket; false when it is empty. */
  take(boardId: string, now: number): boolean {
    const b = this.buckets.get(boardId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(boardId, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Counts a refused tap; true when it makes the count within the window reach the alarm level. */
  failed(boardId: string, now: number): boolean {
    const recent = (this.failures.get(boardId) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.failures.set(boardId, recent);
    return recent.length === this.failuresForAlarm;
  }
}
