import type { Db } from '../../store/database.ts';

export type DeviceKind = 'gate' | 'reader' | 'camera' | 'pa-zone' | 'sensor' | 'board';

/** One test of one device: what the controller saw, and what the installer saw or heard. */
export interface CommissionTest {
  id: number;
  at: number;
  by: string;
  device: string;
  kind: DeviceKind;
  action: string;
  /** The device took the command (or answered with a fresh reading). */
  ok: boolean;
  /** In English; `code` and `params` are the same for the console to translate. */
  detail: string;
  code: string | null;
  params: Record<string, string | number> | null;
  /** The installer's own check: the gate moved, the reader beeped, the zone rang, the picture is the right place. */
  verdict: 'pass' | 'fail' | null;
  note: string | null;
  judgedAt: number | null;
}

interface Row extends Omit<CommissionTest, 'ok' | 'params' | 'judgedAt'> {
  ok: number;
  params: string | null;
  judged_at: number | null;
}

const fromRow = (r: Row): CommissionTest => ({
  id: r.id,
  at: r.at,
  by: r.by,
  device: r.device,
  kind: r.kind,
  action: r.action,
  ok: r.ok === 1,
  detail: r.detail,
  code: r.code,
  params: r.params ? JSON.parse(r.params) : null,
  verdict: r.verdict,
  note: r.note,
  judgedAt: r.judged_at,
});

/** The commissioning record: every device test, kept in the store for the acceptance (验收) paperwork. */
export class CommissionLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  add(t: Omit<CommissionTest, 'id' | 'at' | 'verdict' | 'note' | 'judgedAt'>): CommissionTest {
    const at = this.now();
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO commission_tests (at, by, device, kind, action, ok, detail, code, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(at, t.by, t.device, t.kind, t.action, t.ok ? 1 : 0, t.detail, t.code, t.params && JSON.stringify(t.params));
    return this.get(Number(lastInsertRowid))!;
  }

  judge(id: number, verdict: 'pass' | 'fail', note: string | null): CommissionTest | null {
    this.db
      .prepare('UPDATE commission_tests SET verdict = ?, note = ?, judged_at = ? WHERE id = ?')
      .run(verdict, note, this.now(), id);
    return this.get(id);
  }

  get(id: number): CommissionTest | null {
    const r = this.db.prepare('SELECT * FROM commission_tests WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Every test, oldest first: the record as it happened. */
  all(): CommissionTest[] {
    return (this.db.prepare('SELECT * FROM commission_tests ORDER BY id').all() as Row[]).map(fromRow);
  }

  /** Each device's newest test. */
  latest(): Map<string, CommissionTest> {
    const rows = this.db
      .prepare('SELECT * FROM commission_tests WHERE id IN (SELECT max(id) FROM commission_tests GROUP BY device)')
      .all() as Row[];
    return new Map(rows.map((r) => [r.device, fromRow(r)]));
  }
}
