interface Job {
  run: () => Promise<unknown>;
  timeoutMs: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One transaction at a time on a bus: several devices share one RS-485 pair
 * (or one serial gateway), which carries one frame at a time. A device that
 * serves Modbus TCP itself matches answers to requests by transaction id and
 * may take `maxInFlight` at once. Each job gets a timeout and a serial bus
 * rests `gapMs` between frames. Urgent jobs (a gate opening) go before queued
 * polls, never mid-transaction.
 */
export class BusScheduler {
  private readonly normal: Job[] = [];
  private readonly urgent: Job[] = [];
  private active = 0;

  constructor(
    private readonly gapMs: number,
    private readonly maxInFlight = 1,
  ) {}

  get queued(): number {
    return this.normal.length + this.urgent.length + this.active;
  }

  run<T>(job: () => Promise<T>, timeoutMs: number, urgent = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (urgent ? this.urgent : this.normal).push({
        run: job,
        timeoutMs,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.active >= this.maxInFlight) return;
    const next = this.urgent.shift() ?? this.normal.shift();
    if (!next) return;
    this.active++;
    // Fill every free slot before waiting on this one.
    void this.drain();
    try {
      next.resolve(await withTimeout(next.run(), next.timeoutMs));
    } catch (err) {
      next.reject(err as Error);
    }
    // A TCP link needs no silence between frames, and even a zero timer costs a millisecond.
    if (this.gapMs > 0) await sleep(this.gapMs);
    this.active--;
    void this.drain();
  }
}

export class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** 3.5 character times of silence, 11 bits a character (RTU); at least 2 ms. */
export function interFrameGapMs(baudRate: number): number {
  return Math.max(2, Math.ceil((3.5 * 11 * 1000) / baudRate));
}
