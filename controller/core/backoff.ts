/**
 * Exponential backoff with full jitter: the n-th retry waits a random time in
 * [base, min(cap, base * 2^n)], so devices on one bus do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(baseMs + (ceiling - baseMs) * random());
}
