import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { BoardConfig } from '../../config/types.ts';
import type { Db } from '../../store/database.ts';
import type { Allowlist } from '../access/allowlist.ts';
import { localTime } from '../access/decide.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import { TapGuard } from './tap-guard.ts';

export interface Notice {
  id: string;
  text: string;
  from: string;
  at: number;
}
export interface Takeover {
  kind: 'lockdown' | 'evacuation' | 'message';
  message: string;
  drill: boolean;
  at: number;
}

export interface BoardState {
  board: { id: string; name: string; class: string; room: string | null; assemblyPoint: string | null };
  timetable: BoardConfig['timetable'];
  notices: Notice[];
  attendance: { day: string; present: number; enrolled: number };
  takeover: Takeover | null;
}

export interface BoardClient {
  send(msg: object): void;
}

export interface TapResult {
  ok: boolean;
  name?: string;
  already?: boolean;
  reason?: 'not-recognised' | 'too-many';
}

const MAX_NOTICES = 20;

/**
 * Electronic class boards: each has a key for its kiosk URL, and gets its full
 * state on every (re)connect, so a board that was offline is right at once.
 * Notices and an emergency takeover are pushed live; card taps record attendance.
 */
export class BoardService {
  private readonly clients = new Map<string, Set<BoardClient>>();
  private takeover: Takeover | null = null;
  private readonly guard = new TapGuard();

  constructor(
    private readonly db: Db,
    readonly boards: BoardConfig[],
    private readonly pipeline: Pipeline,
    private readonly allowlist: Allowlist,
    private readonly alarms: AlarmManager,
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {
    pipeline.onCommitted((events) => {
      if (events.some((e) => e.type === 'access.passage' || e.type === 'board.tap'))
        for (const b of boards) this.push(b.id);
    });
  }

  /** The kiosk key of a board, made on first use and kept. */
  key(boardId: string): string {
    const k = `board_key:${boardId}`;
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined;
    if (row) return row.value;
    const key = randomBytes(18).toString('base64url');
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(k, key);
    return key;
  }

  checkKey(boardId: string, key: string): boolean {
    if (!this.boards.some((b) => b.id === boardId)) return false;
    const a = Buffer.from(this.key(boardId)),
      b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  connect(boardId: string, client: BoardClient): () => void {
    const set = this.clients.get(boardId) ?? new Set();
    set.add(client);
    this.clients.set(boardId, set);
    client.send({ kind: 'state', state: this.state(boardId) });
    return () => set.delete(client);
  }

  connected(boardId: string): number {
    return this.clients.get(boardId)?.size ?? 0;
  }

  notices(boardId: string): Notice[] {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(`board_notices:${boardId}`) as
      | { value: string }
      | undefined;
    return row ? JSON.parse(row.value) : [];
  }

  /** Posts a notice to some boards or all; kept across restarts. */
  notice(text: string, boardIds: string[] | 'all', from: string): Notice {
    const n: Notice = { id: randomBytes(6).toString('hex'), text, from, at: this.now() };
    const targets = this.targets(boardIds);
    for (const b of targets) {
      const list = [n, ...this.notices(b.id)].slice(0, MAX_NOTICES);
      this.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(`board_notices:${b.id}`, JSON.stringify(list));
      this.push(b.id);
    }
    this.pipeline.emit({
      topic: 'events/boards',
      type: 'board.notice',
      source: from,
      // The boards it went to, by id: "all" is resolved here, as the record's schema says.
      data: { boards: targets.map((b) => b.id), text, noticeId: n.id },
    });
    return n;
  }

  /** Full-screen takeover on every board (null ends it). */
  setTakeover(t: Takeover | null): void {
    this.takeover = t;
    for (const b of this.boards) this.push(b.id);
  }

  /**
   * A card tapped on a board: attendance if the card is a student of the board's class, once a day.
   * Anything else gets one answer, whatever the card (unknown, or another class's): a board names
   * only its own pupils, and says nothing of who else holds a card. Taps are rate-limited, and
   * repeated refusals raise an alarm.
   */
  tap(boardId: string, card: string): TapResult {
    const board = this.boards.find((b) => b.id === boardId);
    if (!board) return { ok: false, reason: 'not-recognised' };
    const now = this.now();
    if (!this.guard.take(boardId, now)) return this.refuse(board, 'too-many', now);
    const holder = this.allowlist.byCard(card);
    if (!holder || holder.class !== board.class || holder.kind !== 'student' || !holder.enabled)
      return this.refuse(board, 'not-recognised', now);
    const day = localTime(now, this.timeZone).date;
    if (this.presentToday(board, day).has(holder.id)) return { ok: true, name: holder.name, already: true };
    this.pipeline.emit({
      topic: 'events/attendance',
      type: 'board.tap',
      source: boardId,
      data: { cardholderId: holder.id, class: board.class, day },
    });
    return { ok: true, name: holder.name };
  }

  private refuse(board: BoardConfig, reason: TapResult['reason'], now: number): TapResult {
    if (this.guard.failed(board.id, now)) {
      // Raised and cleared at once: it stays open until a guard acknowledges it.
      const key = `board.taps-refused:${board.id}`;
      this.alarms.raise({
        key,
        type: 'board.taps-refused',
        source: board.id,
        severity: 'major',
        message: `${board.name}: repeated refused card taps (班牌多次刷卡被拒)`,
        data: { board: board.id, name: board.name, class: board.class, reason },
      });
      this.alarms.clear(key);
    }
    return { ok: false, reason };
  }

  state(boardId: string): BoardState {
    const b = this.boards.find((x) => x.id === boardId)!;
    const day = localTime(this.now(), this.timeZone).date;
    const enrolled = this.allowlist.cardholders().filter((c) => c.class === b.class && c.kind === 'student').length;
    return {
      board: { id: b.id, name: b.name, class: b.class, room: b.room ?? null, assemblyPoint: b.assembly_point ?? null },
      timetable: b.timetable,
      notices: this.notices(b.id),
      attendance: { day, present: this.presentToday(b, day).size, enrolled },
      takeover: this.takeover,
    };
  }

  /** The board's pupils present today: through a gate, or by a tap on this board. */
  private presentToday(b: BoardConfig, day: string): Set<string> {
    const ids = new Set(
      this.allowlist
        .cardholders()
        .filter((c) => c.class === b.class && c.kind === 'student')
        .map((s) => s.id),
    );
    return new Set([
      ...this.allowlist
        .attendance(day)
        .filter((a) => a.entries > 0 && ids.has(a.cardholderId))
        .map((a) => a.cardholderId),
      ...this.pipeline.log
        .search({ type: 'board.tap', source: b.id, from: Date.parse(`${day}T00:00:00Z`) - 86_400_000, limit: 500 })
        .filter((e) => e.data.day === day)
        .map((e) => e.data.cardholderId as string),
    ]);
  }

  private targets(ids: string[] | 'all'): BoardConfig[] {
    return ids === 'all' ? this.boards : this.boards.filter((b) => ids.includes(b.id));
  }

  private push(boardId: string): void {
    const set = this.clients.get(boardId);
    if (!set?.size) return;
    const msg = { kind: 'state', state: this.state(boardId) };
    for (const c of set) c.send(msg);
  }
}
