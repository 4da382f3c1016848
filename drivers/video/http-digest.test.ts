import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestAuthorization, parseChallenge } from './http-digest.ts';

test('the RFC 2617 example gives its published response', () => {
  const c = parseChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  )!;
  const h = digestAuthorization(c, {
    username: 'Mufasa',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nc: 1,
    cnonce: '0a4f113b',
  });
  assert.match(h, /response="6629fae49393a05397450978507c4ef1"/);
  assert.match(h, /qop=auth, nc=00000001, cnonce="0a4f113b"/);
});

test('SHA-256 challenges (RFC 7616) and odd headers', () => {
  const c = parseChallenge('Digest realm="IP Camera", nonce="abc", algorithm=SHA-256, qop="auth"')!;
  assert.equal(c.algorithm, 'SHA-256');
  assert.match(
    digestAuthorization(c, { username: 'a', password: 'b', method: 'GET', uri: '/x', cnonce: 'c' }),
    /algorithm=SHA-256/,
  );
  assert.equal(parseChallenge('Basic realm="x"'), null);
  assert.equal(parseChallenge('Digest qop="auth"'), null);
});
