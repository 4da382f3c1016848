import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384,
  R = 8,
  P = 1,
  KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so the cost can rise later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** Rules for a new password (GB/T 22239-2019 8.1.4.1): at least 10 characters, of three of the four kinds. */
export function passwordProblem(password: string): 'password.short' | 'password.long' | 'password.classes' | null {
  if (password.length < 10) return 'password.short';
  if (password.length > 256) return 'password.long';
  if (CLASSES.filter((c) => c.test(password)).length < 3) return 'password.classes';
  return null;
}

/** A password the rules accept, for a first admin or a reset: shown once, never stored in clear. */
export function generatePassword(): string {
  for (;;) {
    const p = randomBytes(12).toString('base64url');
    if (!passwordProblem(p)) return p;
  }
}
