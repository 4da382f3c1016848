import type { Statement } from 'better-sqlite3';
import { CodedError } from '../../core/message-catalog.ts';
import type { Db } from '../../store/database.ts';
import { type PersonalCipher, plainCipher } from '../../store/personal-cipher.ts';
import type { EventLog } from '../../store/event-log.ts';
import type { DecisionData } from './decide.ts';
import type { Cardholder, DayAttendance, Direction, GateRule, Schedule } from './types.ts';

export interface AccessSnapshot {
  cardholders?: Cardholder[];
  groups?: { id: string; name: string }[];
  schedules?: Schedule[];
  holidays?: { date: string; name: string }[];
  rules?: GateRule[];
}

/** A versioned change from the district; `full` replaces everything. */
export interface AccessDelta extends AccessSnapshot {
  version: number;
  baseVersion?: number;
  full?: boolean;
  deleteCardholders?: string[];
  deleteGroups?: string[];
  deleteSchedules?: string[];
  deleteHolidays?: string[];
  deleteRules?: { gateId: string; groupId: string }[];
}

interface CardholderRow {
  id: string;
  name: string;
  kind: string;
  class: string | null;
  card: string;
  card_mac: string;
  valid_from: string | null;
  valid_to: string | null;
  enabled: number;
}

/**
 * The allowlist in memory, kept in step with SQLite: every change is written
 * in one transaction and the maps are rebuilt from the store afterwards, so a
 * decision never sees a half-applied delta.
 */
export class Allowlist implements DecisionData {
  private cards = new Map<string, Cardholder>();
  private ids = new Map<string, Cardholder>();
  private rules = new Map<string, GateRule[]>();
  private schedules = new Map<string, Schedule>();
  private holidays = new Set<string>();
  /** Last direction per cardholder today, for anti-passback. */
  private presence = new Map<string, { day: string; direction: Direction }>();
  private today = '';
  /** Attendance rows name their cardholder by a keyed MAC; this maps it back for the living. */
  private byMac = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly cipher: PersonalCipher = plainCipher,
  ) {
    this.reload();
  }

  get version(): number {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'allowlist_version'").get() as
      | { value: string }
      | undefined;
    return Number(row?.value ?? 0);
  }

  get size(): number {
    return this.ids.size;
  }

  byCard = (card: string) => this.cards.get(card);
  byId = (id: string) => this.ids.get(id);

  /**
   * Rows whose card another person holds and keeps: writing them would take that person's card
   * and with it their row. A card may move when the same import gives its holder another one.
   */
  cardConflicts(list: readonly Cardholder[]): { index: number; card: string; holder: Cardholder }[] {
    const incoming = new Map(list.map((c) => [c.id, c]));
    return list.flatMap((c, index) => {
      const holder = this.byCard(c.card);
      if (!holder || holder.id === c.id) return [];
      const moved = incoming.get(holder.id);
      return moved && moved.card !== c.card ? [] : [{ index, card: c.card, holder }];
    });
  }

  /** What writing `list` would do to each person: add them, change them, or nothing. */
  changes(list: readonly Cardholder[]): { added: number; updated: number; unchanged: number } {
    const out = { added: 0, updated: 0, unchanged: 0 };
    const same = (a: Cardholder, b: Cardholder) =>
      a.name === b.name &&
      a.kind === b.kind &&
      (a.class ?? null) === (b.class ?? null) &&
      a.card === b.card &&
      (a.validFrom ?? null) === (b.validFrom ?? null) &&
      (a.validTo ?? null) === (b.validTo ?? null) &&
      (a.enabled !== false) === (b.enabled !== false) &&
      [...(a.groups ?? [])].sort().join('|') === [...(b.groups ?? [])].sort().join('|');
    for (const c of list) {
      const before = this.byId(c.id);
      if (!before) out.added++;
      else if (same(before, c)) out.unchanged++;
      else out.updated++;
    }
    return out;
  }
  rulesFor = (gateId: string) => this.rules.get(gateId) ?? [];
  schedule = (id: string) => this.schedules.get(id);
  isHoliday = (date: string) => this.holidays.has(date);
  lastDirection = (id: string) => {
    const p = this.presence.get(id);
    return p && p.day === this.today ? p.direction : undefined;
  };

  notePassage(cardholderId: string, direction: Direction, day: string): void {
    this.today = day;
    this.presence.set(cardholderId, { day, direction });
  }

  setToday(day: string): void {
    this.today = day;
  }

  /** The attendance table is written in the commit of the passage events; it names the cardholder by MAC. */
  recordPassage(ts: number, day: string, cardholderId: string, gate: string, direction: string): void {
    (this.insertPassage ??= this.db.prepare(
      'INSERT INTO passages (ts, day, cardholder_id, gate_id, direction) VALUES (?, ?, ?, ?, ?)',
    )).run(ts, day, this.cipher.mac(cardholderId), gate, direction);
  }
  private insertPassage?: ReturnType<Db['prepare']>;

  /** Entries and exits per cardholder for one day: first in, last out, counts. */
  attendance(day: string) {
    return this.attendanceBetween(day, day);
  }

  /** The same per cardholder and school day, for every day from `from` to `to` (inclusive). */
  attendanceBetween(from: string, to: string): DayAttendance[] {
    return (
      this.db
        .prepare(
          `SELECT day, cardholder_id AS cardholderId,
              min(CASE WHEN direction = 'in' THEN ts END) AS firstIn,
              max(CASE WHEN direction = 'out' THEN ts END) AS lastOut,
              sum(direction = 'in') AS entries, sum(direction = 'out') AS exits
       FROM passages WHERE day BETWEEN ? AND ? GROUP BY day, cardholder_id ORDER BY day`,
        )
        .all(from, to) as DayAttendance[]
    ).flatMap((a) => {
      const id = this.byMac.get(a.cardholderId);
      return id ? [{ ...a, cardholderId: id }] : [];
    });
  }

  apply(delta: AccessDelta): number {
    const current = this.version;
    if (!delta.full && delta.baseVersion !== undefined && delta.baseVersion !== current) {
      throw new CodedError('allowlist.stale-base', { base: delta.baseVersion, current });
    }
    if (delta.version <= current && !delta.full)
      throw new CodedError('allowlist.not-newer', { version: delta.version, current });
    this.db.transaction(() => {
      if (delta.full)
        for (const t of ['cardholders', 'access_groups', 'schedules', 'holidays', 'gate_rules'])
          this.db.prepare(`DELETE FROM ${t}`).run();
      this.write(delta);
      const del = (table: string, col: string, ids?: string[]) => {
        for (const id of ids ?? []) this.db.prepare(`DELETE FROM ${table} WHERE ${col} = ?`).run(id);
      };
      del('cardholders', 'id', delta.deleteCardholders);
      del('access_groups', 'id', delta.deleteGroups);
      del('schedules', 'id', delta.deleteSchedules);
      del('holidays', 'date', delta.deleteHolidays);
      for (const r of delta.deleteRules ?? [])
        this.db.prepare('DELETE FROM gate_rules WHERE gate_id = ? AND group_id = ?').run(r.gateId, r.groupId);
      this.db
        .prepare(
          "INSERT INTO meta (key, value) VALUES ('allowlist_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .run(String(delta.version));
    })();
    this.reload();
    return delta.version;
  }

  /** Upserts without a version change: local edits from the console and CSV import. */
  upsertLocal(snapshot: AccessSnapshot): void {
    this.db.transaction(() => this.write(snapshot))();
    this.reload();
  }

  /**
   * A large import, a chunk per transaction with the event loop free between them, so that card
   * decisions and relays are not held up. Decisions keep the old list until the last chunk is in.
   * Everything was validated before, so only the disk can stop it half-way, and that is said.
   */
  async upsertInChunks(cardholders: readonly Cardholder[], chunk = 500): Promise<void> {
    let done = 0;
    try {
      for (; done < cardholders.length; done += chunk) {
        const part = cardholders.slice(done, done + chunk);
        this.db.transaction(() => this.write({ cardholders: part }))();
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      throw new Error(
        `the store stopped the import after ${done} of ${cardholders.length} cardholders: ${(err as Error).message}`,
      );
    } finally {
      this.reload();
    }
  }

  /**
   * Erases a person: their cardholder row, their attendance, and who they were in every record
   * about them (what happened stays, without them). Deleted pages are overwritten
   * (secure_delete) and the WAL truncated, so that the bytes leave the store's files.
   */
  erase(id: string, log: EventLog): { cardholder: boolean; passages: number; records: number } {
    const mac = this.cipher.mac(id);
    const r = this.db.transaction(() => ({
      cardholder: this.db.prepare('DELETE FROM cardholders WHERE id = ?').run(id).changes > 0,
      passages: this.db.prepare('DELETE FROM passages WHERE cardholder_id = ?').run(mac).changes,
      records: log.forget(id),
    }))();
    this.presence.delete(id);
    this.reload();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return r;
  }

  /** Cardholders whose validity ended more than `days` ago, for the purge. */
  expiredBefore(day: string): string[] {
    return [...this.ids.values()].filter((c) => c.validTo !== null && c.validTo < day).map((c) => c.id);
  }

  cardholders(): Cardholder[] {
    return [...this.ids.values()].sort(
      (a, b) => (a.class ?? '').localeCompare(b.class ?? '') || a.name.localeCompare(b.name),
    );
  }

  snapshot(): Required<AccessSnapshot> {
    return {
      cardholders: this.cardholders(),
      groups: this.db.prepare('SELECT id, name FROM access_groups ORDER BY id').all() as { id: string; name: string }[],
      schedules: [...this.schedules.values()],
      holidays: this.db.prepare('SELECT date, name FROM holidays ORDER BY date').all() as {
        date: string;
        name: string;
      }[],
      rules: [...this.rules.values()].flat(),
    };
  }

  private holderStatements?: { upsert: Statement; freeCard: Statement; clearGroups: Statement; addGroup: Statement };

  private write(s: AccessSnapshot): void {
    const st = (this.holderStatements ??= {
      upsert: this.db.prepare(
        `INSERT INTO cardholders (id, name, kind, class, card, card_mac, valid_from, valid_to, enabled)
         VALUES (@id, @name, @kind, @class, @card, @cardMac, @validFrom, @validTo, @enabled)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, class = excluded.class, card = excluded.card,
           card_mac = excluded.card_mac, valid_from = excluded.valid_from, valid_to = excluded.valid_to, enabled = excluded.enabled`,
      ),
      freeCard: this.db.prepare('DELETE FROM cardholders WHERE card_mac = ? AND id <> ?'),
      clearGroups: this.db.prepare('DELETE FROM cardholder_groups WHERE cardholder_id = ?'),
      addGroup: this.db.prepare('INSERT INTO cardholder_groups (cardholder_id, group_id) VALUES (?, ?)'),
    });
    for (const c of s.cardholders ?? []) {
      // A card moves with its latest holder: free it from anyone else first.
      const cardMac = this.cipher.mac(c.card);
      st.freeCard.run(cardMac, c.id);
      st.upsert.run({
        ...c,
        name: this.cipher.seal(c.name),
        card: this.cipher.seal(c.card),
        cardMac,
        class: c.class ?? null,
        validFrom: c.validFrom ?? null,
        validTo: c.validTo ?? null,
        enabled: c.enabled === false ? 0 : 1,
      });
      st.clearGroups.run(c.id);
      for (const g of c.groups ?? []) st.addGroup.run(c.id, g);
    }
    for (const g of s.groups ?? [])
      this.db
        .prepare(
          'INSERT INTO access_groups (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
        )
        .run(g.id, g.name);
    for (const sc of s.schedules ?? []) {
      this.db
        .prepare(`INSERT INTO schedules (id, name, intervals, on_holidays) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, intervals = excluded.intervals, on_holidays = excluded.on_holidays`)
        .run(sc.id, sc.name, JSON.stringify(sc.intervals), sc.onHolidays ? 1 : 0);
    }
    for (const h of s.holidays ?? [])
      this.db
        .prepare(
          'INSERT INTO holidays (date, name) VALUES (?, ?) ON CONFLICT (date) DO UPDATE SET name = excluded.name',
        )
        .run(h.date, h.name);
    for (const r of s.rules ?? []) {
      this.db
        .prepare(
          'INSERT INTO gate_rules (gate_id, group_id, schedule_id) VALUES (?, ?, ?) ON CONFLICT (gate_id, group_id) DO UPDATE SET schedule_id = excluded.schedule_id',
        )
        .run(r.gateId, r.groupId, r.scheduleId);
    }
  }

  private reload(): void {
    const groups = new Map<string, string[]>();
    for (const g of this.db.prepare('SELECT cardholder_id, group_id FROM cardholder_groups').all() as {
      cardholder_id: string;
      group_id: string;
    }[]) {
      groups.set(g.cardholder_id, [...(groups.get(g.cardholder_id) ?? []), g.group_id]);
    }
    const open = (v: string) => (this.cipher.isSealed(v) ? this.cipher.open(v) : v);
    const holders = (this.db.prepare('SELECT * FROM cardholders').all() as CardholderRow[]).map(
      (r): Cardholder => ({
        id: r.id,
        name: open(r.name),
        kind: r.kind as Cardholder['kind'],
        class: r.class,
        card: open(r.card),
        validFrom: r.valid_from,
        validTo: r.valid_to,
        enabled: r.enabled === 1,
        groups: groups.get(r.id) ?? [],
      }),
    );
    this.ids = new Map(holders.map((h) => [h.id, h]));
    this.byMac = new Map(holders.map((h) => [this.cipher.mac(h.id), h.id]));
    this.cards = new Map(holders.map((h) => [h.card, h]));
    this.rules = new Map();
    for (const r of this.db
      .prepare('SELECT gate_id AS gateId, group_id AS groupId, schedule_id AS scheduleId FROM gate_rules')
      .all() as GateRule[]) {
      this.rules.set(r.gateId, [...(this.rules.get(r.gateId) ?? []), r]);
    }
    this.schedules = new Map(
      (
        this.db.prepare('SELECT * FROM schedules').all() as {
          id: string;
          name: string;
          intervals: string;
          on_holidays: number;
        }[]
      ).map((s) => [
        s.id,
        { id: s.id, name: s.name, intervals: JSON.parse(s.intervals), onHolidays: s.on_holidays === 1 },
      ]),
    );
    this.holidays = new Set(
      (this.db.prepare('SELECT date FROM holidays').all() as { date: string }[]).map((h) => h.date),
    );
  }
}
