/**
 * Rejected downlink messages are recorded one by one up to a budget a minute; past it they are
 * only counted, by reason, and summarised once the minute is over. A flood of forged messages
 * then costs a handful of records, not one each in the lane that is never evicted.
 */
export class RejectionBudget {
  private windowStart = 0;
  private recorded = 0;
  private suppressed = new Map<string, number>();

  constructor(
    private readonly perMinute = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Whether this rejection may be recorded on its own; when not, it is counted under its reason. */
  admit(now: number, reason: string): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.recorded = 0;
    }
    if (this.recorded < this.perMinute) {
      this.recorded++;
      return true;
    }
    this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    return false;
  }

  /** What was counted and not recorded since the last call, by reason; null when nothing was. */
  takeSummary(): { total: number; byReason: Record<string, number> } | null {
    if (!this.suppressed.size) return null;
    const byReason = Object.fromEntries(this.suppressed);
    this.suppressed = new Map();
    return { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
  }
}
