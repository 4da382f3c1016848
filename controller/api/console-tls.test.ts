import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadSite } from '../config/load-site.ts';
import { createLogger } from '../core/logger.ts';
import { Controller } from '../runtime.ts';
import { tempDir, writeSite } from '../../hil-tests/lib/site-fixture.ts';
import { makePki } from '../../hil-tests/lib/test-pki.ts';

const t = tempDir('console-tls');
let controller: Controller;
let port: number;
let ca: Buffer;

before(async () => {
  const pki = makePki(t.dir, []);
  ca = readFileSync(pki.ca);
  const file = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1' }, console: { listen: '127.0.0.1', port: 0, tls: { cert: pki.server.cert, key: pki.server.key } } });
  controller = new Controller(loadSite(file), createLogger('silent'));
  await controller.users.add('guard1', 'guard', 'Correct horse battery');
  await controller.start();
  port = (controller.api.server.address() as { port: number }).port;
});
after(async () => { await controller.stop(); t.remove(); });

test('with a certificate the console is HTTPS only and its session cookie is Secure', async () => {
  const login = await new Promise<{ status: number; cookie: string; hsts: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/session', method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, cookie: String(res.headers['set-cookie']), hsts: String(res.headers['strict-transport-security']) });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'guard1', password: 'Correct horse battery' }));
  });
  assert.equal(login.status, 200);
  assert.match(login.cookie, /ce_session=[^;]+;.*Secure/);
  assert.match(login.cookie, /HttpOnly/);
  assert.match(login.cookie, /SameSite=Strict/);
  assert.match(login.hsts, /max-age=\d{7,}/, 'browsers are told to come back over HTTPS only');
  const plain = await new Promise<string>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/health' }, (res) => resolve(`answered ${res.statusCode}`));
    req.on('error', (err) => resolve(`refused: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    req.setTimeout(3000, () => req.destroy(new Error('timeout')));
  });
  assert.match(plain, /^refused/, 'plain HTTP gets no answer from the console');
});
