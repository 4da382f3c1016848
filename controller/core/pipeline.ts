import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { EventLog } from '../store/event-log.ts';
import { type PersonalCipher, plainCipher } from '../store/personal-cipher.ts';
import { type EventInput, type StoredEvent, laneFor } from './types.ts';

const COMMIT_RETRY_MS = 1000;

/** Whether the store answers and commits (the watchdog's and /api/health's one test). */
export interface SelfCheck {
  ok: boolean;
  failingSince: number | null;
  error: string | null;
}

export type EventListener = (events: readonly StoredEvent[]) => void;

interface Pending {
  event: StoredEvent;
  resolve: (e: StoredEvent) => void;
  reject: (err: Error) => void;
}

/**
 * ingest(): give a record its id and sequence number at once, then commit it
 * with everything else that arrived in the same tick in one transaction
 * (group commit). Listeners (uplink, alarms, console) see a record only after
 * it is committed.
 */
export class Pipeline {
  readonly log: EventLog;
  private seq: number;
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly listeners = new Set<EventListener>();
  private readonly commitBatch;
  /** Hooks that must run inside the same transaction (e.g. readings index). */
  private readonly inTransaction: ((events: readonly StoredEvent[]) => void)[] = [];
  stats = { committed: 0, batches: 0, rejected: 0 };
  private failingSince: number | null = null;
  private lastError: string | null = null;

  /**
   * Faults that have no caller to answer: a listener that threw (it never
   * undoes a commit), a commit that failed and will be retried, or a record refused.
   */
  onError: (err: Error, where: 'listener' | 'commit' | 'catalogue') => void = () => {};
  /**
   * The record types the district's contract names (controller/record-catalogue.ts). A record of
   * another type is still stored and forwarded, since nothing may be lost, and reported once.
   */
  knownTypes: ReadonlySet<string> | null = null;
  private readonly reportedTypes = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    cipher: PersonalCipher = plainCipher,
  ) {
    this.log = new EventLog(db, cipher);
    this.seq = this.log.lastSeq();
    this.commitBatch = db.transaction((events: StoredEvent[]) => {
      this.log.insertBatch(events);
      for (const hook of this.inTransaction) hook(events);
    });
  }

  ingest(input: EventInput): Promise<StoredEvent> {
    if (this.knownTypes && !this.knownTypes.has(input.type) && !this.reportedTypes.has(input.type)) {
      this.reportedTypes.add(input.type);
      this.onError(new Error(`record type "${input.type}" is not in the record catalogue`), 'catalogue');
    }
    const event: StoredEvent = {
      seq: ++this.seq,
      id: randomUUID(),
      ts: input.ts ?? this.now(),
      lane: input.lane ?? laneFor(input.topic),
      topic: input.topic,
      type: input.type,
      source: input.source,
      severity: input.severity ?? null,
      data: input.data,
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** ingest() for callers that do not wait: a failure goes to onError, never to an unhandled rejection. */
  emit(input: EventInput): void {
    this.ingest(input).catch((err: Error) => this.onError(err, 'commit'));
  }

  onCommitted(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addTransactionHook(hook: (events: readonly StoredEvent[]) => void): void {
    this.inTransaction.push(hook);
  }

  /** Commits everything queued now; also called on shutdown. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (!batch.length) return;
    this.queue = [];
    const failure = this.commit(batch);
    if (failure) this.keepForRetry(failure.rest, failure.err);
  }

  /**
   * Whether records are being committed. `failingSince` is set from the first failed commit
   * until one succeeds: the watchdog, /api/health and the console turn red on it.
   */
  get commitState(): { failingSince: number | null; error: string | null; rejected: number } {
    return { failingSince: this.failingSince, error: this.lastError, rejected: this.stats.rejected };
  }

  /**
   * Commits the batch, or as much of it as can be: a sequence number another writer took is
   * renumbered from the store; a record the store refuses for itself (it can never commit) is
   * rejected to its caller alone, and the records after it close the gap. Returns what must
   * wait for the disk (full, I/O error, locked).
   */
  private commit(batch: Pending[], renumbered = 0): { rest: Pending[]; err: Error } | null {
    try {
      this.commitBatch(batch.map((p) => p.event));
    } catch (err) {
      if (!this.db.open) {
        for (const p of batch) p.reject(err as Error);
        return null;
      }
      if (isSeqCollision(err) && renumbered < 3) {
        this.renumber(batch);
        this.onError(err as Error, 'commit');
        return this.commit(batch, renumbered + 1);
      }
      if (isTransient(err) || isSeqCollision(err)) return { rest: batch, err: err as Error };
      return this.commitOneByOne(batch);
    }
    this.committed(batch);
    return null;
  }

  private committed(batch: Pending[]): void {
    this.failingSince = null;
    this.lastError = null;
    const events = batch.map((p) => p.event);
    this.stats.committed += events.length;
    this.stats.batches++;
    for (const p of batch) p.resolve(p.event);
    for (const l of this.listeners) {
      try {
        l(events);
      } catch (err) {
        this.onError(err as Error, 'listener');
      }
    }
  }

  private commitOneByOne(batch: Pending[]): { rest: Pending[]; err: Error } | null {
    for (const [i, p] of batch.entries()) {
      try {
        this.commitBatch([p.event]);
      } catch (err) {
        if (isTransient(err) || isSeqCollision(err)) return this.commit(batch.slice(i));
        this.stats.rejected++;
        this.onError(err as Error, 'commit');
        p.reject(err as Error);
        // Gap-free: everything numbered after the refused record moves down one.
        for (const q of [...batch.slice(i + 1), ...this.queue]) q.event.seq--;
        this.seq--;
        continue;
      }
      this.committed([p]);
    }
    return null;
  }

  /** Another writer took sequence numbers: continue after the highest in the store. */
  private renumber(batch: Pending[]): void {
    this.seq = Math.max(this.seq, this.log.lastSeq());
    for (const p of batch) p.event.seq = ++this.seq;
    // Records queued since keep their order after the renumbered batch.
    for (const p of this.queue) p.event.seq = ++this.seq;
  }

  /** Disk full or I/O error: keep the records, in order, and try again shortly. */
  private keepForRetry(rest: Pending[], err: Error): void {
    this.failingSince ??= this.now();
    this.lastError = err.message;
    this.queue = [...rest, ...this.queue];
    this.onError(err, 'commit');
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, COMMIT_RETRY_MS);
  }
}

const codeOf = (err: unknown) => String((err as { code?: unknown }).code ?? '');
/** The sequence number is the primary key: a clash means another writer used it. */
const isSeqCollision = (err: unknown) =>
  /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(codeOf(err)) && /events\.seq\b/.test((err as Error).message);
/** Failures of the disk or of a lock, which pass: the same records will commit later. */
const isTransient = (err: unknown) =>
  /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL|READONLY)/.test(codeOf(err));
