import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { loadDistrictKey } from '../../core/district-key.ts';
import { checkManifest } from './update-manifest.ts';

const district = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const key = loadDistrictKey(district.publicKey.export({ type: 'spki', format: 'pem' }) as string);
const manifest = JSON.stringify({ version: '0.2.0', arch: 'arm64', size: 1000, sha256: 'ab'.repeat(32) });
const signed = (text: string, by = district.privateKey) => sign(null, Buffer.from(text), by).toString('base64');

test('a manifest signed by the district key is accepted', () => {
  const r = checkManifest(manifest, signed(manifest), key, 'arm64', 10_000);
  assert.deepEqual(r, { ok: true, manifest: JSON.parse(manifest) });
});

test('a wrong key, a changed byte or a mangled signature is refused before the manifest is read', () => {
  const refused = /signature does not verify/;
  assert.match(
    (checkManifest(manifest, signed(manifest, stranger.privateKey), key, 'arm64', 1e4) as { error: string }).error,
    refused,
  );
  assert.match(
    (checkManifest(manifest.replace('1000', '1001'), signed(manifest), key, 'arm64', 1e4) as { error: string }).error,
    refused,
  );
  for (const sig of ['', 'not base64!', Buffer.alloc(64).toString('base64'), signed(manifest).slice(4)]) {
    assert.match((checkManifest(manifest, sig, key, 'arm64', 1e4) as { error: string }).error, refused);
  }
});

test('a signed manifest is still checked: shape, architecture and size', () => {
  const check = (m: object, arch = 'arm64', max = 1e4) => {
    const text = JSON.stringify(m);
    return (checkManifest(text, signed(text), key, arch, max) as { error: string }).error;
  };
  assert.match(check({ version: '1', arch: 'arm64', size: 1, sha256: 'xyz' }), /sha256/);
  assert.match(
    check({ version: '1', arch: 'arm64', size: 1, sha256: 'ab'.repeat(32), extra: 1 }),
    /additional properties/,
  );
  assert.match(check(JSON.parse(manifest), 'x64'), /for arm64, this gateway is x64/);
  assert.match(check(JSON.parse(manifest), 'arm64', 999), /over the limit/);
  const text = 'not json';
  assert.match((checkManifest(text, signed(text), key, 'arm64', 1e4) as { error: string }).error, /not JSON/);
});

test('only an ed25519 or SM2 public key is a district key', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  assert.throws(() => loadDistrictKey(ec), /key must be ed25519 or SM2, not ec/);
  assert.throws(() => loadDistrictKey('garbage'));
});
