/**
 * One transaction at a time on a bus: several devices share one RS-485 pair
 * (or one TCP gateway), and the client library is not safe for overlapping
 * requests. Each job gets a timeout and the bus rests `gapMs` between frames.
 */
export class BusScheduler {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  constructor(private readonly gapMs: number) {}

  get queued(): number { return this.depth; }

  run<T>(job: () => Promise<T>, timeoutMs: number): Promise<T> {
    this.depth++;
    const result = this.tail.then(() => withTimeout(job(), timeoutMs));
    this.tail = result.then(() => sleep(this.gapMs), () => sleep(this.gapMs)).finally(() => { this.depth--; });
    return result;
  }
}

export class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** 3.5 character times of silence, 11 bits a character (RTU); at least 2 ms. */
export function interFrameGapMs(baudRate: number): number {
  return Math.max(2, Math.ceil((3.5 * 11 * 1000) / baudRate));
}
