import type { Db } from './database.ts';

/**
 * Remembers the ids of signed commands already carried out, for as long as they could still be
 * replayed (their age limit), across restarts.
 */
export class ReplayGuard {
  private readonly insert;
  private readonly prune;

  constructor(
    db: Db,
    private readonly keepMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT OR IGNORE INTO seen_commands (id, ts) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM seen_commands WHERE ts < ?');
  }

  /** True the first time an id is seen; false for a replay. */
  firstTime(id: string): boolean {
    const now = this.now();
    this.prune.run(now - 2 * this.keepMs);
    return this.insert.run(id, now).changes === 1;
  }
}
