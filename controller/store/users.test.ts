import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOTP, Secret } from 'otpauth';
import { openDatabase } from './database.ts';
import { defaultPolicy, Users } from './users.ts';

const PASSWORD = 'Correct horse battery';
const from = { ip: '10.0.0.1' };
const clock = () => {
  const c = { t: Date.UTC(2026, 11, 1, 8), now: () => c.t };
  return c;
};

test('a session ends after 15 idle minutes, and after its lifetime whatever the activity', async () => {
  const c = clock();
  const users = new Users(openDatabase(':memory:'), { ...defaultPolicy, two_factor_roles: [] }, 1, c.now);
  await users.add('g1', 'guard', PASSWORD);
  const r = await users.login('g1', PASSWORD, undefined, from);
  assert.ok(r.ok);
  c.t += 14 * 60_000;
  assert.ok(users.session(r.token), 'active within the idle timeout');
  c.t += 14 * 60_000;
  assert.ok(users.session(r.token), 'each use restarts the idle clock');
  c.t += 16 * 60_000;
  assert.equal(users.session(r.token), null, 'idle for 16 minutes: gone');
  const r2 = await users.login('g1', PASSWORD, undefined, from);
  assert.ok(r2.ok);
  for (let i = 0; i < 7; i++) {
    c.t += 10 * 60_000;
    users.session(r2.token);
  }
  assert.equal(users.session(r2.token), null, 'past its one-hour lifetime, busy or not');
});

test('a password older than the maximum age must be changed before anything else', async () => {
  const c = clock();
  const users = new Users(
    openDatabase(':memory:'),
    { ...defaultPolicy, two_factor_roles: [], password_max_age_days: 90 },
    12,
    c.now,
  );
  await users.add('g1', 'guard', PASSWORD);
  c.t += 91 * 86_400_000;
  const r = await users.login('g1', PASSWORD, undefined, from);
  assert.ok(r.ok);
  assert.deepEqual(r.session.setup, ['password']);
  await users.changePassword('g1', PASSWORD, 'A fresh password 1');
  assert.deepEqual(users.session(r.token)!.setup, []);
});

test('TOTP (RFC 6238): an admin enrols before anything else, then needs a code; a recovery code works once', async () => {
  const users = new Users(openDatabase(':memory:'), defaultPolicy);
  await users.add('a1', 'admin', PASSWORD);
  const first = await users.login('a1', PASSWORD, undefined, from);
  assert.ok(first.ok);
  assert.deepEqual(first.session.setup, ['totp'], 'an admin without a second factor enrols first');
  const { secret, uri } = users.totpBegin('a1');
  assert.match(uri, /^otpauth:\/\/totp\/campus-edge:a1\?.*secret=/);
  const phone = new TOTP({
    issuer: 'campus-edge',
    label: 'a1',
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
  });
  assert.throws(() => users.totpConfirm('a1', '000000'), /does not match/);
  const codes = users.totpConfirm('a1', phone.generate());
  assert.equal(codes.length, 10);
  assert.deepEqual(users.session(first.token)!.setup, []);
  assert.deepEqual(await users.login('a1', PASSWORD, undefined, from), {
    ok: false,
    reason: 'totp-required',
    lockedNow: false,
    lockedUntil: null,
  });
  assert.equal((await users.login('a1', PASSWORD, '123456', from)).ok, false);
  assert.equal((await users.login('a1', PASSWORD, phone.generate(), from)).ok, true);
  assert.equal((await users.login('a1', PASSWORD, codes[0], from)).ok, true, 'a recovery code instead of the phone');
  assert.equal((await users.login('a1', PASSWORD, codes[0], from)).ok, false, 'once');
  assert.equal(
    (await users.login('a1', 'Wrong password 1', phone.generate(), from)).ok,
    false,
    'a code is no password',
  );
});

test('the code generator agrees with the RFC 6238 test vector (SHA-1, 59 s)', () => {
  const totp = new TOTP({
    secret: Secret.fromLatin1('12345678901234567890'),
    digits: 8,
    period: 30,
    algorithm: 'SHA1',
  });
  assert.equal(totp.generate({ timestamp: 59_000 }), '94287082');
});

test('a Chinese name is a username, in one Unicode spelling; spaces, symbols and one letter are not', async () => {
  const users = new Users(openDatabase(':memory:'), { ...defaultPolicy, two_factor_roles: [] });
  await users.add('张保安', 'guard', PASSWORD);
  await users.add('li.wei_2', 'guard', PASSWORD);
  assert.ok((await users.login('张保安', PASSWORD, undefined, from)).ok);
  // "é" composed and decomposed are one name.
  await users.add('Jos\u00e9', 'viewer', PASSWORD);
  assert.ok((await users.login('Jose\u0301', PASSWORD, undefined, from)).ok);
  await assert.rejects(users.add('Jose\u0301', 'viewer', PASSWORD), { code: 'user.exists' });
  for (const bad of ['张', 'a b', 'guard<1>', '保安;drop', 'x'.repeat(33)])
    await assert.rejects(users.add(bad, 'guard', PASSWORD), { code: 'user.name-invalid' }, bad);
  await assert.rejects(users.add('弱口令', 'guard', 'short'), { code: 'password.short' });
});
