import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './database.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../api/passwords.ts';
import { CommandError } from '../core/commands.ts';
import type { Role } from '../core/roles.ts';

export interface User { username: string; role: Role; createdAt: number; disabled: boolean }
export interface Session { username: string; role: Role; csrf: string; expiresAt: number }

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
// A dummy hash so a login for an unknown user costs the same time as a real one.
const dummyHash = hashPassword(randomBytes(16).toString('hex'));

/** A refusal worth showing to the admin as it is (it becomes the command's error). */
export class UserError extends CommandError {}

/** Console users and their sessions; only hashes of passwords and tokens are stored. */
export class Users {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  async add(username: string, role: Role, password: string): Promise<void> {
    if (!/^[A-Za-z0-9._-]{2,32}$/.test(username)) throw new UserError('username: 2 to 32 of A-Z a-z 0-9 . _ -');
    const problem = passwordProblem(password);
    if (problem) throw new UserError(problem);
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) throw new UserError(`user "${username}" exists`);
    this.db.prepare('INSERT INTO users (username, role, pw_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(username, role, await hashPassword(password), this.now());
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): User[] {
    return (this.db.prepare('SELECT username, role, created_at, disabled FROM users ORDER BY username').all() as
      { username: string; role: Role; created_at: number; disabled: number }[])
      .map((u) => ({ username: u.username, role: u.role, createdAt: u.created_at, disabled: u.disabled === 1 }));
  }

  setDisabled(username: string, disabled: boolean): boolean {
    const changed = this.db.prepare('UPDATE users SET disabled = ? WHERE username = ?').run(disabled ? 1 : 0, username).changes > 0;
    if (disabled) this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    return changed;
  }

  async verify(username: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      { username: string; role: Role; pw_hash: string; created_at: number; disabled: number } | undefined;
    const ok = await verifyPassword(password, row?.pw_hash ?? (await dummyHash));
    if (!row || !ok || row.disabled) return null;
    return { username: row.username, role: row.role, createdAt: row.created_at, disabled: false };
  }

  createSession(username: string, hours: number): { token: string; csrf: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + hours * 3_600_000;
    this.db.prepare('INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(tokenHash(token), username, csrf, this.now(), expiresAt);
    return { token, csrf, expiresAt };
  }

  session(token: string): Session | null {
    const row = this.db.prepare(
      `SELECT s.username, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.username = s.username
       WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`).get(tokenHash(token), this.now()) as
      { username: string; role: Role; csrf: string; expires_at: number } | undefined;
    return row ? { username: row.username, role: row.role, csrf: row.csrf, expiresAt: row.expires_at } : null;
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }
}
