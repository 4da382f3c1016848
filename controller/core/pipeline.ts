import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { EventLog } from '../store/event-log.ts';
import { type EventInput, type StoredEvent, laneFor } from './types.ts';

const COMMIT_RETRY_MS = 1000;

export type EventListener = (events: readonly StoredEvent[]) => void;

interface Pending { event: StoredEvent; resolve: (e: StoredEvent) => void; reject: (err: Error) => void }

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
  stats = { committed: 0, batches: 0 };

  /**
   * Faults that have no caller to answer: a listener that threw (it never
   * undoes a commit) or a commit that failed and will be retried.
   */
  onError: (err: Error, where: 'listener' | 'commit') => void = () => {};
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.log = new EventLog(db);
    this.seq = this.log.lastSeq();
    this.commitBatch = db.transaction((events: StoredEvent[]) => {
      this.log.insertBatch(events);
      for (const hook of this.inTransaction) hook(events);
    });
  }

  ingest(input: EventInput): Promise<StoredEvent> {
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
    const events = batch.map((p) => p.event);
    try {
      this.commitBatch(events);
    } catch (err) {
      if (!this.db.open) {
        for (const p of batch) p.reject(err as Error);
        return;
      }
      // Disk full or I/O error: keep the records, in order, and try again shortly.
      this.queue = [...batch, ...this.queue];
      this.onError(err as Error, 'commit');
      this.retryTimer ??= setTimeout(() => { this.retryTimer = null; this.flush(); }, COMMIT_RETRY_MS);
      return;
    }
    this.stats.committed += events.length;
    this.stats.batches++;
    for (const p of batch) p.resolve(p.event);
    for (const l of this.listeners) {
      try { l(events); } catch (err) { this.onError(err as Error, 'listener'); }
    }
  }
}
