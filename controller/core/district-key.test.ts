import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { openSignedCommand, signCommand } from '../uplink/signed-command.ts';
import { fingerprint } from '../uplink/command-keys.ts';
import { keyAlgorithm, loadDistrictKey, signDistrict, verifyDistrict } from './district-key.ts';

const to = { district: 'd1', school: 's1', gateway: 'gw-01' };

test("SM2 with SM3, both ways with Debian's openssl: its signature verifies here, and ours there", () => {
  const t = tempDir('sm2');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: t.dir, stdio: 'pipe' });
  openssl('genpkey', '-algorithm', 'SM2', '-out', 'district.key');
  openssl('pkey', '-in', 'district.key', '-pubout', '-out', 'district.pem');
  const text = Buffer.from('{"id":"c1","name":"status"}');
  writeFileSync(join(t.dir, 'cmd.json'), text);
  openssl(
    'pkeyutl',
    '-sign',
    '-in',
    'cmd.json',
    '-inkey',
    'district.key',
    '-rawin',
    '-digest',
    'sm3',
    '-out',
    'cmd.sig',
  );
  const pub = loadDistrictKey(readFileSync(join(t.dir, 'district.pem'), 'utf8'));
  assert.equal(keyAlgorithm(pub), 'sm2');
  assert.equal(
    verifyDistrict(pub, text, readFileSync(join(t.dir, 'cmd.sig'))),
    true,
    "openssl's SM2 signature verifies",
  );
  assert.equal(
    verifyDistrict(pub, Buffer.from('{"id":"c1","name":"open"}'), readFileSync(join(t.dir, 'cmd.sig'))),
    false,
  );
  const priv = createPrivateKey(readFileSync(join(t.dir, 'district.key')));
  writeFileSync(join(t.dir, 'ours.sig'), signDistrict(priv, text));
  assert.match(
    openssl(
      'pkeyutl',
      '-verify',
      '-in',
      'cmd.json',
      '-pubin',
      '-inkey',
      'district.pem',
      '-rawin',
      '-digest',
      'sm3',
      '-sigfile',
      'ours.sig',
    ).toString(),
    /Signature Verified Successfully/,
  );
  t.remove();
});

test("a signed command verifies with SM2 or ed25519 keys side by side; neither key's signature passes for the other", () => {
  const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const ed = generateKeyPairSync('ed25519');
  const keys = [sm2, ed].map((k) => ({ key: k.publicKey, fingerprint: fingerprint(k.publicKey) }));
  for (const k of [sm2, ed]) {
    const payload = Buffer.from(signCommand(k.privateKey, { id: randomUUID(), name: 'status', ...to, args: {} }));
    const opened = openSignedCommand(payload, { keys, to, name: 'status', now: Date.now(), maxAgeMs: 60_000 });
    assert.equal(opened.ok, true, JSON.stringify(opened));
    const other = keys.filter((x) => x.fingerprint !== fingerprint(k.publicKey));
    assert.equal(
      openSignedCommand(payload, { keys: other, to, name: 'status', now: Date.now(), maxAgeMs: 60_000 }).ok,
      false,
    );
  }
});

test('RSA and P-256 keys are refused as district keys', () => {
  for (const k of [
    generateKeyPairSync('rsa', { modulusLength: 1024 }),
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ]) {
    assert.throws(
      () => loadDistrictKey(k.publicKey.export({ type: 'spki', format: 'pem' }) as string),
      /ed25519 or SM2/,
    );
  }
});
