import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { loadPersonalKey, personalCipher } from './personal-cipher.ts';

test('both ciphers seal and open names of any script; altered or foreign text is refused', () => {
  const t = tempDir('cipher');
  const key = loadPersonalKey(join(t.dir, 'personal.key'));
  for (const name of ['aes-256-gcm', 'sm4'] as const) {
    const c = personalCipher(name, key);
    for (const text of ['王小明', "Zoë O'Brien", '', '𠮷野家', 'x'.repeat(10_000)]) {
      const sealed = c.seal(text);
      assert.ok(c.isSealed(sealed));
      assert.ok(!sealed.includes(text) || text === '', `${name} hides ${text.slice(0, 10)}`);
      assert.equal(c.open(sealed), text);
      assert.notEqual(c.seal(text), sealed, 'a fresh IV each time');
    }
    const sealed = c.seal('王小明');
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
    assert.throws(() => c.open(flipped), `${name}: an altered seal is refused`);
    assert.equal(c.mac('p77'), c.mac('p77'));
    assert.notEqual(c.mac('p77'), c.mac('p78'));
  }
  t.remove();
});

test("SM4 sealing is SM4-CTR as Debian's openssl decrypts it", () => {
  const t = tempDir('sm4');
  const key = loadPersonalKey(join(t.dir, 'personal.key'));
  const [iv, body] = personalCipher('sm4', key)
    .seal('初一(3)班 王小明')
    .slice(3)
    .split('.')
    .map((p) => Buffer.from(p, 'base64url'));
  const out = spawnSync(
    'openssl',
    ['enc', '-d', '-sm4-ctr', '-K', key.subarray(0, 16).toString('hex'), '-iv', iv!.toString('hex')],
    { input: body },
  );
  assert.equal(out.status, 0, String(out.stderr));
  assert.equal(out.stdout.toString('utf8'), '初一(3)班 王小明');
  t.remove();
});

test('the key file is made 0600, and one others can read is refused', () => {
  const t = tempDir('key');
  const file = join(t.dir, 'personal.key');
  loadPersonalKey(file);
  chmodSync(file, 0o644);
  assert.throws(() => loadPersonalKey(file), /mode is 644: chmod 600 it/);
  writeFileSync(join(t.dir, 'short.key'), 'x', { mode: 0o600 });
  assert.throws(() => loadPersonalKey(join(t.dir, 'short.key')), /not a personal-data key/);
  t.remove();
});
