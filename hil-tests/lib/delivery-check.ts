import Database from 'better-sqlite3';
import type { Envelope } from '../../controller/uplink/envelope.ts';

export interface DeliveryReport {
  committed: number;
  delivered: number;
  duplicates: number;
  missing: string[];
  /** Records that arrived out of sequence within their lane (first arrivals only). */
  outOfOrder: number;
  /** Sequence numbers absent from the store between its first and last record. */
  gaps: number;
}

/** The committed records in a controller's store, read as the NOC would need them. */
export function committedRecords(dbFile: string): { id: string; seq: number; lane: number }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, seq, lane FROM events ORDER BY seq').all() as {
      id: string;
      seq: number;
      lane: number;
    }[];
  } finally {
    db.close();
  }
}

/** Compares what was committed with what a subscriber received. */
export function compareDelivery(
  committed: { id: string; seq: number; lane: number }[],
  received: Envelope[],
): DeliveryReport {
  const firstArrival = new Map<string, Envelope>();
  for (const e of received) if (!firstArrival.has(e.id)) firstArrival.set(e.id, e);
  const laneOf = new Map(committed.map((c) => [c.id, c.lane]));
  const lastSeq = new Map<number, number>();
  let outOfOrder = 0;
  for (const e of firstArrival.values()) {
    const lane = laneOf.get(e.id) ?? -1;
    if (e.seq < (lastSeq.get(lane) ?? 0)) outOfOrder++;
    lastSeq.set(lane, Math.max(e.seq, lastSeq.get(lane) ?? 0));
  }
  const seqs = committed.map((c) => c.seq);
  return {
    committed: committed.length,
    delivered: committed.filter((c) => firstArrival.has(c.id)).length,
    duplicates: received.length - firstArrival.size,
    missing: committed.filter((c) => !firstArrival.has(c.id)).map((c) => `${c.seq}:${c.id}`),
    outOfOrder,
    gaps: seqs.length ? seqs[seqs.length - 1]! - seqs[0]! + 1 - seqs.length : 0,
  };
}
