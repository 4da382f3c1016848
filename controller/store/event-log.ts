import type { Db } from './database.ts';
import { type PersonalCipher, plainCipher } from './personal-cipher.ts';
import type { Lane, Severity, StoredEvent, Topic } from '../core/types.ts';

interface EventRow {
  seq: number;
  id: string;
  ts: number;
  lane: number;
  topic: string;
  type: string;
  source: string;
  severity: string | null;
  data: string;
}

export interface EventQuery {
  q?: string;
  type?: string;
  topic?: string;
  source?: string;
  /** Records about this cardholder id (found through the sealed record's subject). */
  person?: string;
  from?: number;
  to?: number;
  beforeSeq?: number;
  limit: number;
  /** Topics left out (what the asker may not read). */
  excludeTopics?: readonly string[];
  /** Whether `q` looks inside the records' data too (false: type and source only). */
  searchData?: boolean;
}

export interface LaneBacklog {
  lane: Lane;
  count: number;
  oldestTs: number | null;
}

/** Topics whose records are about a person: their data is sealed at rest. */
export const PERSONAL_TOPICS: readonly string[] = ['events/access', 'events/attendance'];

/** The event log, which is also the outbox (delivered = 0 until PUBACK). */
export class EventLog {
  private readonly insertStmt;
  private readonly markStmt;
  private readonly nextStmt;
  private readonly setSeqStmt;

  constructor(
    private readonly db: Db,
    private readonly cipher: PersonalCipher = plainCipher,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (seq, id, ts, lane, topic, type, source, severity, data, subject)
       VALUES (@seq, @id, @ts, @lane, @topic, @type, @source, @severity, @data, @subject)`,
    );
    this.markStmt = db.prepare('UPDATE events SET delivered = 1 WHERE seq = ?');
    this.nextStmt = db.prepare(
      'SELECT * FROM events WHERE delivered = 0 AND lane = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.setSeqStmt = db.prepare(
      `INSERT INTO meta (key, value) VALUES ('last_seq', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
  }

  /** The highest sequence number ever assigned, even if that record was since evicted. */
  lastSeq(): number {
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'last_seq'").get() as
      | { value: string }
      | undefined;
    const max = this.db.prepare('SELECT max(seq) AS m FROM events').get() as { m: number | null };
    return Math.max(Number(meta?.value ?? 0), max.m ?? 0);
  }

  /** Writes a batch; the caller wraps it in the group-commit transaction. */
  insertBatch(events: readonly StoredEvent[]): void {
    for (const e of events) this.insertStmt.run({ ...e, severity: e.severity, ...this.sealed(e.topic, e.data) });
    if (events.length) this.setSeqStmt.run(String(events[events.length - 1]!.seq));
  }

  /** What a record's data is at rest, and whose record it is. */
  sealed(topic: string, data: Record<string, unknown>): { data: string; subject: string | null } {
    const json = JSON.stringify(data);
    if (!PERSONAL_TOPICS.includes(topic)) return { data: json, subject: null };
    const who = typeof data.cardholderId === 'string' ? data.cardholderId : null;
    return { data: this.cipher.seal(json), subject: who && this.cipher.mac(who) };
  }

  private fromRow = (r: EventRow): StoredEvent => ({
    seq: r.seq,
    id: r.id,
    ts: r.ts,
    lane: r.lane as Lane,
    topic: r.topic as Topic,
    type: r.type,
    source: r.source,
    severity: r.severity as Severity | null,
    data: JSON.parse(this.cipher.isSealed(r.data) ? this.cipher.open(r.data) : r.data),
  });

  /** A person's records keep what happened and lose who: for an erasure. */
  forget(cardholderId: string): number {
    const subject = this.cipher.mac(cardholderId);
    const rows = this.db.prepare('SELECT seq, topic, data FROM events WHERE subject = ?').all(subject) as {
      seq: number;
      topic: string;
      data: string;
    }[];
    const update = this.db.prepare('UPDATE events SET data = ?, subject = NULL WHERE seq = ?');
    for (const r of rows) {
      const data = JSON.parse(this.cipher.isSealed(r.data) ? this.cipher.open(r.data) : r.data) as Record<
        string,
        unknown
      >;
      update.run(this.sealed(r.topic, { ...data, cardholderId: null, card: null, erased: true }).data, r.seq);
    }
    return rows.length;
  }

  markDelivered(seqs: readonly number[]): void {
    this.db.transaction(() => {
      for (const s of seqs) this.markStmt.run(s);
    })();
  }

  /** Undelivered records of one lane after a cursor, in order. */
  pending(lane: Lane, afterSeq: number, limit: number): StoredEvent[] {
    return (this.nextStmt.all(lane, afterSeq, limit) as EventRow[]).map(this.fromRow);
  }

  backlog(): LaneBacklog[] {
    const rows = this.db
      .prepare('SELECT lane, count(*) AS count, min(ts) AS oldestTs FROM events WHERE delivered = 0 GROUP BY lane')
      .all() as LaneBacklog[];
    return [0, 1, 2].map(
      (lane) => rows.find((r) => r.lane === lane) ?? { lane: lane as Lane, count: 0, oldestTs: null },
    );
  }

  get(id: string): StoredEvent | undefined {
    const r = this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
    return r && this.fromRow(r);
  }

  /** Newest first, keyset-paginated by seq. */
  search(query: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: query.limit };
    // Records about a person are sealed: their id finds them through the record's subject.
    const inData = query.searchData === false ? '' : " OR data LIKE @q ESCAPE '\\' OR subject = @subject";
    if (query.q && query.searchData !== false) args.subject = this.cipher.mac(query.q);
    if (query.q) {
      where.push(`(type LIKE @q ESCAPE '\\' OR source LIKE @q ESCAPE '\\'${inData})`);
      args.q = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (query.type) {
      where.push('type = @type');
      args.type = query.type;
    }
    if (query.topic) {
      where.push('topic = @topic');
      args.topic = query.topic;
    }
    if (query.source) {
      where.push('source = @source');
      args.source = query.source;
    }
    if (query.person !== undefined) {
      where.push('subject = @person');
      args.person = this.cipher.mac(query.person);
    }
    if (query.from !== undefined) {
      where.push('ts >= @from');
      args.from = query.from;
    }
    if (query.to !== undefined) {
      where.push('ts <= @to');
      args.to = query.to;
    }
    for (const [i, topic] of (query.excludeTopics ?? []).entries()) {
      where.push(`topic != @x${i}`);
      args[`x${i}`] = topic;
    }
    if (query.beforeSeq !== undefined) {
      where.push('seq < @beforeSeq');
      args.beforeSeq = query.beforeSeq;
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(args) as EventRow[]).map(this.fromRow);
  }
}
