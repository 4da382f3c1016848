import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from './database.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../core/passwords.ts';
import { CommandError } from '../core/commands.ts';
import type { Role } from '../core/roles.ts';
import type { SecurityPolicy } from '../config/types.ts';

export interface User {
  username: string;
  role: Role;
  createdAt: number;
  disabled: boolean;
  lockedUntil: number | null;
  twoFactor: boolean;
  mustChange: boolean;
  passwordChangedAt: number;
}
/** What a session still owes before it may do anything but finish logging in. */
export type Setup = 'password' | 'totp';
export interface Session {
  username: string;
  role: Role;
  csrf: string;
  expiresAt: number;
  setup: Setup[];
}
export interface SessionInfo {
  id: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** Where a login comes from; `certificate`: TLS verified a client certificate whose CN is the user name. */
export interface LoginFrom {
  ip: string;
  userAgent?: string;
  certificate?: boolean;
}

export type LoginResult =
  | { ok: true; user: User; token: string; session: Session }
  | { ok: false; reason: 'wrong' | 'locked' | 'totp-required'; lockedNow: boolean; lockedUntil: number | null };

interface UserRow {
  username: string;
  role: Role;
  pw_hash: string;
  created_at: number;
  disabled: number;
  pw_changed_at: number;
  must_change: number;
  locked_until: number | null;
  totp_secret: string | null;
  totp_pending: string | null;
  recovery_codes: string;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
// A dummy hash so a login for an unknown user costs the same time as a real one.
const dummyHash = hashPassword(randomBytes(16).toString('hex'));
const ISSUER = 'campus-edge';
const RECOVERY_CODES = 10;
const TOUCH_EVERY_MS = 30_000;

export const defaultPolicy: SecurityPolicy = {
  password_max_age_days: 90,
  password_history: 5,
  lockout_failures: 5,
  lockout_window_min: 15,
  lockout_min: 15,
  idle_timeout_min: 15,
  max_sessions_per_user: 3,
  two_factor_roles: ['admin', 'installer'],
};

/** A refusal worth showing to the admin as it is (it becomes the command's error). */
export class UserError extends CommandError {}

const totpFor = (username: string, secret: string) =>
  new TOTP({ issuer: ISSUER, label: username, secret: Secret.fromBase32(secret), digits: 6, period: 30 });

/**
 * Console users and their sessions; only hashes of passwords, tokens and recovery codes are
 * stored. The account rules (complexity, age, history, lockout, idle and absolute session
 * lifetimes, a cap on sessions, two factors for the roles that need them) are enforced here,
 * so that every way in obeys them.
 */
export class Users {
  constructor(
    private readonly db: Db,
    private readonly policy: SecurityPolicy = defaultPolicy,
    private readonly sessionHours = 12,
    private readonly now: () => number = Date.now,
  ) {}

  async add(name: string, role: Role, password: string, opts: { mustChange?: boolean } = {}): Promise<void> {
    // Chinese names are usernames too; one spelling in Unicode, so that 张三 typed on any keyboard is one account.
    const username = name.normalize('NFC');
    if (!/^[\p{L}\p{N}._-]{2,32}$/u.test(username)) throw new UserError('user.name-invalid');
    const problem = passwordProblem(password);
    if (problem) throw new UserError(problem);
    if (this.row(username)) throw new UserError('user.exists', { username });
    const hash = await hashPassword(password);
    this.db
      .prepare(
        'INSERT INTO users (username, role, pw_hash, created_at, pw_changed_at, must_change) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(username, role, hash, this.now(), this.now(), opts.mustChange ? 1 : 0);
    this.db
      .prepare('INSERT INTO password_history (username, pw_hash, changed_at) VALUES (?, ?, ?)')
      .run(username, hash, this.now());
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map((r) => this.toUser(r));
  }

  get(username: string): User | null {
    const r = this.row(username);
    return r ? this.toUser(r) : null;
  }

  setDisabled(username: string, disabled: boolean): boolean {
    const changed =
      this.db.prepare('UPDATE users SET disabled = ? WHERE username = ?').run(disabled ? 1 : 0, username).changes > 0;
    if (disabled) this.endAllSessions(username);
    return changed;
  }

  setRole(username: string, role: Role): boolean {
    const changed = this.db.prepare('UPDATE users SET role = ? WHERE username = ?').run(role, username).changes > 0;
    // A new role is a new set of rights: sessions made under the old one end.
    if (changed) this.endAllSessions(username);
    return changed;
  }

  /** An admin's reset: a one-time password to hand over, to be changed at the next login. */
  async resetPassword(username: string): Promise<string> {
    if (!this.row(username)) throw new UserError('user.unknown', { username });
    const temporary = generatePassword();
    await this.storePassword(username, temporary, true);
    this.endAllSessions(username);
    return temporary;
  }

  unlock(username: string): boolean {
    this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(username);
    return this.db.prepare('UPDATE users SET locked_until = NULL WHERE username = ?').run(username).changes > 0;
  }

  /** One's own change: the current password, then a new one that is none of the last few. */
  async changePassword(username: string, current: string, next: string): Promise<void> {
    const r = this.row(username);
    if (!r || !(await verifyPassword(current, r.pw_hash))) throw new UserError('user.wrong-current');
    const problem = passwordProblem(next);
    if (problem) throw new UserError(problem);
    const recent = this.db
      .prepare('SELECT pw_hash FROM password_history WHERE username = ? ORDER BY changed_at DESC, rowid DESC LIMIT ?')
      .all(username, Math.max(1, this.policy.password_history)) as { pw_hash: string }[];
    for (const h of recent)
      if (await verifyPassword(next, h.pw_hash))
        throw new UserError('user.password-reused', { n: this.policy.password_history });
    await this.storePassword(username, next, false);
  }

  /** Checks a password without counting anything (the login counts failures). */
  async verify(username: string, password: string): Promise<User | null> {
    const row = this.row(username);
    const ok = await verifyPassword(password, row?.pw_hash ?? (await dummyHash));
    return row && ok && !row.disabled ? this.toUser(row) : null;
  }

  /**
   * A login: locked accounts are refused before the password is looked at; every failure
   * counts against the account, from whatever address; a role that needs two factors needs
   * the code (or a recovery code, used up) once it has enrolled, and enrols before anything else.
   */
  async login(username: string, password: string, code: string | undefined, from: LoginFrom): Promise<LoginResult> {
    const now = this.now();
    const locked = this.row(username)?.locked_until ?? null;
    if (locked !== null && locked > now) {
      await dummyHash;
      return { ok: false, reason: 'locked', lockedNow: false, lockedUntil: locked };
    }
    const user = await this.verify(username, password);
    if (!user) return this.failed(username, from.ip);
    const row = this.row(username)!;
    // A client certificate for this very user (checked by TLS against the site's CA) is the second factor.
    if (row.totp_secret && !from.certificate) {
      if (!code) return { ok: false, reason: 'totp-required', lockedNow: false, lockedUntil: null };
      if (!this.checkCode(row, code)) return this.failed(username, from.ip);
    }
    this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(username);
    const { token, session } = this.createSession(user, from);
    return { ok: true, user, token, session };
  }

  session(token: string): Session | null {
    const now = this.now();
    const row = this.db
      .prepare(
        `SELECT s.token_hash, s.csrf, s.expires_at, s.last_seen, s.factor, u.* FROM sessions s JOIN users u ON u.username = s.username
       WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen > ? AND u.disabled = 0`,
      )
      .get(tokenHash(token), now, now - this.policy.idle_timeout_min * 60_000) as
      | (UserRow & { token_hash: string; csrf: string; expires_at: number; last_seen: number; factor: string | null })
      | undefined;
    if (!row) return null;
    if (now - row.last_seen > TOUCH_EVERY_MS)
      this.db.prepare('UPDATE sessions SET last_seen = ? WHERE token_hash = ?').run(now, row.token_hash);
    return {
      username: row.username,
      role: row.role,
      csrf: row.csrf,
      expiresAt: row.expires_at,
      setup: this.setup(row, row.factor),
    };
  }

  sessionsOf(username: string, currentToken?: string): SessionInfo[] {
    const current = currentToken ? tokenHash(currentToken) : '';
    return (
      this.db
        .prepare('SELECT * FROM sessions WHERE username = ? AND expires_at > ? ORDER BY created_at DESC')
        .all(username, this.now()) as {
        token_hash: string;
        created_at: number;
        last_seen: number;
        expires_at: number;
        ip: string | null;
        user_agent: string | null;
      }[]
    ).map((s) => ({
      id: s.token_hash.slice(0, 12),
      createdAt: s.created_at,
      lastSeen: s.last_seen,
      expiresAt: s.expires_at,
      ip: s.ip,
      userAgent: s.user_agent,
      current: s.token_hash === current,
    }));
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  /** "Log out everywhere": every session of the user, or all but the one asking. */
  endAllSessions(username: string, exceptToken?: string): number {
    return this.db
      .prepare('DELETE FROM sessions WHERE username = ? AND token_hash != ?')
      .run(username, exceptToken ? tokenHash(exceptToken) : '').changes;
  }

  /** Starts TOTP enrolment: a secret to scan, which counts only once a code from it is confirmed. */
  totpBegin(username: string): { secret: string; uri: string } {
    const secret = new Secret({ size: 20 }).base32;
    this.db.prepare('UPDATE users SET totp_pending = ? WHERE username = ?').run(secret, username);
    return { secret, uri: totpFor(username, secret).toString() };
  }

  /** Confirms enrolment with a code from the authenticator; answers the recovery codes, shown once. */
  totpConfirm(username: string, code: string): string[] {
    const r = this.row(username);
    if (!r?.totp_pending) throw new UserError('user.totp-not-started');
    if (totpFor(username, r.totp_pending).validate({ token: code, window: 1 }) === null)
      throw new UserError('user.totp-mismatch');
    const codes = Array.from({ length: RECOVERY_CODES }, () => randomBytes(5).toString('hex'));
    this.db
      .prepare(
        'UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, recovery_codes = ? WHERE username = ?',
      )
      .run(JSON.stringify(codes.map(tokenHash)), username);
    return codes;
  }

  /** An admin's reset of a lost phone: the user enrols again at the next login. */
  totpReset(username: string): boolean {
    return (
      this.db
        .prepare("UPDATE users SET totp_secret = NULL, totp_pending = NULL, recovery_codes = '[]' WHERE username = ?")
        .run(username).changes > 0
    );
  }

  private checkCode(row: UserRow, code: string): boolean {
    if (/^\d{6}$/.test(code))
      return totpFor(row.username, row.totp_secret!).validate({ token: code, window: 1 }) !== null;
    const hashes = JSON.parse(row.recovery_codes) as string[];
    const h = Buffer.from(tokenHash(code.trim().toLowerCase()));
    const left = hashes.filter((x) => !(x.length === h.length && timingSafeEqual(Buffer.from(x), h)));
    if (left.length === hashes.length) return false;
    this.db.prepare('UPDATE users SET recovery_codes = ? WHERE username = ?').run(JSON.stringify(left), row.username);
    return true;
  }

  private failed(username: string, ip: string): LoginResult {
    const now = this.now();
    const p = this.policy;
    this.db
      .prepare('INSERT INTO login_failures (username, ts, ip) VALUES (?, ?, ?)')
      .run(username.slice(0, 64), now, ip);
    this.db.prepare('DELETE FROM login_failures WHERE ts < ?').run(now - 24 * 3_600_000);
    const n = (
      this.db
        .prepare('SELECT count(*) AS n FROM login_failures WHERE username = ? AND ts > ?')
        .get(username, now - p.lockout_window_min * 60_000) as { n: number }
    ).n;
    if (n >= p.lockout_failures && this.row(username)) {
      const until = now + p.lockout_min * 60_000;
      this.db.prepare('UPDATE users SET locked_until = ? WHERE username = ?').run(until, username);
      this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(username);
      return { ok: false, reason: 'locked', lockedNow: true, lockedUntil: until };
    }
    return { ok: false, reason: 'wrong', lockedNow: false, lockedUntil: null };
  }

  private createSession(user: User, from: LoginFrom): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(18).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.sessionHours * 3_600_000;
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at, last_seen, ip, user_agent, factor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          tokenHash(token),
          user.username,
          csrf,
          now,
          expiresAt,
          now,
          from.ip,
          from.userAgent?.slice(0, 200) ?? null,
          from.certificate ? 'certificate' : null,
        );
      // Past the cap, the oldest sessions end.
      this.db
        .prepare(`DELETE FROM sessions WHERE username = ? AND token_hash NOT IN
        (SELECT token_hash FROM sessions WHERE username = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`)
        .run(user.username, user.username, this.policy.max_sessions_per_user);
      this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    })();
    return {
      token,
      session: {
        username: user.username,
        role: user.role,
        csrf,
        expiresAt,
        setup: this.setup(this.row(user.username)!, from.certificate ? 'certificate' : null),
      },
    };
  }

  private async storePassword(username: string, password: string, mustChange: boolean): Promise<void> {
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET pw_hash = ?, pw_changed_at = ?, must_change = ? WHERE username = ?')
        .run(hash, this.now(), mustChange ? 1 : 0, username);
      this.db
        .prepare('INSERT INTO password_history (username, pw_hash, changed_at) VALUES (?, ?, ?)')
        .run(username, hash, this.now());
      this.db
        .prepare(`DELETE FROM password_history WHERE username = ? AND rowid NOT IN
        (SELECT rowid FROM password_history WHERE username = ? ORDER BY changed_at DESC, rowid DESC LIMIT ?)`)
        .run(username, username, Math.max(1, this.policy.password_history));
    })();
  }

  private setup(r: UserRow, factor: string | null): Setup[] {
    const maxAge = this.policy.password_max_age_days * 86_400_000;
    const expired = maxAge > 0 && this.now() - r.pw_changed_at > maxAge;
    return [
      ...(r.must_change || expired ? ['password' as const] : []),
      ...(this.policy.two_factor_roles.includes(r.role) && !r.totp_secret && factor !== 'certificate'
        ? ['totp' as const]
        : []),
    ];
  }

  private row(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username.normalize('NFC')) as
      | UserRow
      | undefined;
  }

  private toUser(r: UserRow): User {
    return {
      username: r.username,
      role: r.role,
      createdAt: r.created_at,
      disabled: r.disabled === 1,
      lockedUntil: r.locked_until !== null && r.locked_until > this.now() ? r.locked_until : null,
      twoFactor: r.totp_secret !== null,
      mustChange: r.must_change === 1,
      passwordChangedAt: r.pw_changed_at,
    };
  }
}
