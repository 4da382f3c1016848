import { createHash } from 'node:crypto';
import type { Db } from './database.ts';

export interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  actor_kind: string;
  command: string;
  args: string;
  ok: number | null;
  result: string | null;
  done_ts: number | null;
}
export interface ChainLink {
  n: number;
  hash: string;
}
export type Verdict =
  | { ok: true; links: number; rows: number; head: ChainLink | null; unfinished: number[] }
  | { ok: false; links: number; brokenAt: { link: number; auditId: number | null; reason: string } };

const GENESIS = '0'.repeat(64);
/** SM3 (GB/T 32905), as commercial-cryptography rules ask of an audit trail: the previous hash, then the row's fields as JSON. */
export const digest = (prev: string, fields: unknown[]) =>
  createHash('sm3').update(prev).update(JSON.stringify(fields)).digest('hex');
const startFields = (r: AuditRow) => [r.id, r.ts, r.actor, r.actor_kind, r.command, r.args];
const endFields = (r: AuditRow) => [r.id, r.ok, r.result, r.done_ts];

/**
 * The audit trail, tamper-evident: every row is chained when written (who did what) and again
 * when finished (how it went), each link hashing the one before. Editing, deleting or
 * reordering a row breaks the chain at that row; cutting the tail shows against the head the
 * district was sent. Nothing here updates or deletes a finished row.
 */
export class AuditLog {
  private readonly insertRow;
  private readonly finishRow;
  private readonly insertLink;
  private readonly lastLink;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insertRow = db.prepare('INSERT INTO audit (ts, actor, actor_kind, command, args) VALUES (?, ?, ?, ?, ?)');
    this.finishRow = db.prepare('UPDATE audit SET ok = ?, result = ?, done_ts = ? WHERE id = ? AND ok IS NULL');
    this.insertLink = db.prepare('INSERT INTO audit_chain (audit_id, part, prev, hash) VALUES (?, ?, ?, ?)');
    this.lastLink = db.prepare('SELECT n, hash FROM audit_chain ORDER BY n DESC LIMIT 1');
    this.sealOlderRows();
  }

  /** Rows written before the store had a chain are sealed into it, in order, once. */
  private sealOlderRows(): void {
    const loose = this.db
      .prepare('SELECT id, ok FROM audit WHERE id NOT IN (SELECT audit_id FROM audit_chain) ORDER BY id')
      .all() as { id: number; ok: number | null }[];
    if (!loose.length || this.head() || this.db.readonly) return;
    this.db.transaction(() => {
      for (const r of loose) {
        this.link(r.id, 'start');
        if (r.ok !== null) this.link(r.id, 'end');
      }
    })();
  }

  /** Writes who asked for what, before it runs; returns the row's id and the new chain head. */
  start(actor: { kind: string; name: string }, command: string, args: unknown): { id: number; head: ChainLink } {
    return this.db.transaction(() => {
      const id = Number(
        this.insertRow.run(this.now(), actor.name, actor.kind, command, JSON.stringify(args)).lastInsertRowid,
      );
      return { id, head: this.link(id, 'start') };
    })();
  }

  /** Writes how it went; a row is finished once. */
  finish(id: number, ok: boolean, result: unknown): ChainLink {
    return this.db.transaction(() => {
      if (this.finishRow.run(ok ? 1 : 0, JSON.stringify(result ?? null), this.now(), id).changes !== 1)
        throw new Error(`audit row ${id} is finished already`);
      return this.link(id, 'end');
    })();
  }

  /** Something that happened at once (a login, a read of personal data): started and finished together. */
  record(
    actor: { kind: string; name: string },
    command: string,
    args: unknown,
    ok: boolean,
    result: unknown,
  ): { id: number; head: ChainLink } {
    return this.db.transaction(() => {
      const { id } = this.start(actor, command, args);
      return { id, head: this.finish(id, ok, result) };
    })();
  }

  head(): ChainLink | null {
    return (this.lastLink.get() as ChainLink | undefined) ?? null;
  }

  recent(limit: number): AuditRow[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
  }

  /** Recomputes every link from the rows as they are now; names the first that does not hold. */
  verify(): Verdict {
    const rows = new Map((this.db.prepare('SELECT * FROM audit').all() as AuditRow[]).map((r) => [r.id, r]));
    const seen = new Map<number, Set<string>>();
    let prev = GENESIS;
    let count = 0;
    let head: ChainLink | null = null;
    for (const l of this.db.prepare('SELECT * FROM audit_chain ORDER BY n').iterate() as Iterable<{
      n: number;
      audit_id: number;
      part: 'start' | 'end';
      prev: string;
      hash: string;
    }>) {
      count++;
      const broken = (reason: string): Verdict => ({
        ok: false,
        links: count,
        brokenAt: { link: l.n, auditId: l.audit_id, reason },
      });
      if (l.n !== count)
        return {
          ok: false,
          links: count,
          brokenAt: { link: l.n, auditId: l.audit_id, reason: `link ${count} is missing` },
        };
      if (l.prev !== prev) return broken('it does not follow the link before it');
      const row = rows.get(l.audit_id);
      if (!row) return broken(`audit row ${l.audit_id} was deleted`);
      if (l.hash !== digest(prev, l.part === 'start' ? startFields(row) : endFields(row)))
        return broken(`audit row ${l.audit_id} was changed after it was written`);
      seen.set(l.audit_id, (seen.get(l.audit_id) ?? new Set()).add(l.part));
      prev = l.hash;
      head = { n: l.n, hash: l.hash };
    }
    for (const r of rows.values()) {
      const parts = seen.get(r.id);
      if (!parts?.has('start'))
        return {
          ok: false,
          links: count,
          brokenAt: {
            link: count,
            auditId: r.id,
            reason: `audit row ${r.id} is in no link: added behind the chain's back`,
          },
        };
      if (r.ok !== null && !parts.has('end'))
        return {
          ok: false,
          links: count,
          brokenAt: { link: count, auditId: r.id, reason: `audit row ${r.id} was finished behind the chain's back` },
        };
    }
    // Rows started but not finished: a command under way, or one a crash cut short.
    const unfinished = [...rows.values()].filter((r) => r.ok === null).map((r) => r.id);
    return { ok: true, links: count, rows: rows.size, head, unfinished };
  }

  private link(auditId: number, part: 'start' | 'end'): ChainLink {
    const row = this.db.prepare('SELECT * FROM audit WHERE id = ?').get(auditId) as AuditRow;
    const prev = this.head()?.hash ?? GENESIS;
    const hash = digest(prev, part === 'start' ? startFields(row) : endFields(row));
    const n = Number(this.insertLink.run(auditId, part, prev, hash).lastInsertRowid);
    return { n, hash };
  }
}
