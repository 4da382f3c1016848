import type { Db } from '../../store/database.ts';

export interface ShiftNote {
  id: number;
  at: number;
  author: string;
  text: string;
}

/** Guards' handover notes: what the next shift must know, in the order they were written. */
export class ShiftLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  write(author: string, text: string): ShiftNote {
    const at = this.now();
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO shift_notes (at, author, text) VALUES (?, ?, ?)')
      .run(at, author, text);
    return { id: Number(lastInsertRowid), at, author, text };
  }

  /** The newest notes first. */
  recent(limit: number): ShiftNote[] {
    return this.db
      .prepare('SELECT id, at, author, text FROM shift_notes ORDER BY id DESC LIMIT ?')
      .all(limit) as ShiftNote[];
  }
}
