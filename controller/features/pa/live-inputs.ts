import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

/** A live input waiting to be played: named by an id, so that the command that plays it stays plain data for the audit. */
export interface LiveInput {
  codec: 'alaw' | 'mulaw';
  input: Readable;
}

/** Inputs offered for the PA (a platform's voice broadcast), each taken once by the command that plays it. */
export class LiveInputs {
  private readonly waiting = new Map<string, LiveInput>();

  offer(live: LiveInput): string {
    const id = randomUUID();
    this.waiting.set(id, live);
    // An input nobody took within a minute is not kept.
    setTimeout(() => this.waiting.delete(id), 60_000).unref();
    return id;
  }

  take(id: string): LiveInput | undefined {
    const live = this.waiting.get(id);
    this.waiting.delete(id);
    return live;
  }
}
