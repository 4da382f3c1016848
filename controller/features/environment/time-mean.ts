/**
 * The mean of one point over a sliding window (1 h, 8 h, 24 h), from minute
 * buckets so a day of 15-second readings costs 1 440 slots, not 5 760 samples.
 * A mean counts only once the window is mostly covered: a 24 h limit cannot be
 * judged from the first ten minutes after a sensor comes up.
 */
const BUCKET_MS = 60_000;
/** Share of the window's minutes that must hold a reading, as ambient-air practice asks (18 of 24 hours). */
export const MIN_COVERAGE = 0.75;

export class TimeMean {
  private readonly sums: Float64Array;
  private readonly counts: Uint32Array;
  /** The minute each slot holds, so a stale slot from a previous lap is ignored. */
  private readonly minutes: Float64Array;

  constructor(readonly windowMs: number) {
    const n = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.sums = new Float64Array(n);
    this.counts = new Uint32Array(n);
    this.minutes = new Float64Array(n).fill(-1);
  }

  add(ts: number, value: number): void {
    const minute = Math.floor(ts / BUCKET_MS);
    const i = minute % this.sums.length;
    if (this.minutes[i] !== minute) {
      this.minutes[i] = minute;
      this.sums[i] = 0;
      this.counts[i] = 0;
    }
    this.sums[i]! += value;
    this.counts[i]!++;
  }

  /** The mean over the window ending at `now`, or null while the window is not yet covered. */
  mean(now: number): { mean: number; coverage: number } | null {
    const last = Math.floor(now / BUCKET_MS);
    const first = last - this.sums.length + 1;
    let sum = 0;
    let count = 0;
    let covered = 0;
    for (let i = 0; i < this.sums.length; i++) {
      const m = this.minutes[i]!;
      if (m < first || m > last || !this.counts[i]) continue;
      sum += this.sums[i]!;
      count += this.counts[i]!;
      covered++;
    }
    const coverage = covered / this.sums.length;
    return count && coverage >= MIN_COVERAGE ? { mean: sum / count, coverage } : null;
  }
}
