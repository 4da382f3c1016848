import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const file = await writeSite(t.dir, {
    uplink: { url: 'mqtt://127.0.0.1:1' },
    console: { listen: '127.0.0.1', port: 0, tls: { cert: pki.server.cert, key: pki.server.key } },
  });
  controller = new Controller(loadSite(file), createLogger('silent'));
  await controller.users.add('guard1', 'guard', 'Correct horse battery');
  await controller.start();
  port = (controller.api.server.address() as { port: number }).port;
});
after(async () => {
  await controller.stop();
  t.remove();
});

test('with a certificate the console is HTTPS only and its session cookie is Secure', async () => {
  const login = await new Promise<{ status: number; cookie: string; hsts: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/session',
        method: 'POST',
        ca,
        servername: 'localhost',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve({
          status: res.statusCode!,
          cookie: String(res.headers['set-cookie']),
          hsts: String(res.headers['strict-transport-security']),
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'guard1', password: 'Correct horse battery' }));
  });
  assert.equal(login.status, 200);
  assert.match(login.cookie, /ce_session=[^;]+;.*Secure/);
  assert.match(login.cookie, /HttpOnly/);
  assert.match(login.cookie, /SameSite=Strict/);
  assert.match(login.hsts, /max-age=\d{7,}/, 'browsers are told to come back over HTTPS only');
  const plain = await new Promise<string>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/health' }, (res) =>
      resolve(`answered ${res.statusCode}`),
    );
    req.on('error', (err) => resolve(`refused: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    req.setTimeout(3000, () => req.destroy(new Error('timeout')));
  });
  assert.match(plain, /^refused/, 'plain HTTP gets no answer from the console');
});

test("a client certificate issued to the user stands for the second factor; none, or another user's, does not", async () => {
  const dir = join(t.dir, 'certs');
  mkdirSync(dir);
  const pki = makePki(dir, ['admin1', 'someone-else']);
  const file = await writeSite(join(t.dir, 'cert-login'), {
    uplink: { url: 'mqtt://127.0.0.1:1' },
    console: {
      listen: '127.0.0.1',
      port: 0,
      tls: { cert: pki.server.cert, key: pki.server.key, client_ca: pki.ca },
      security: { two_factor_roles: ['admin'] },
    },
  });
  const c = new Controller(loadSite(file), createLogger('silent'));
  await c.users.add('admin1', 'admin', 'Correct horse battery');
  await c.start();
  const p = (c.api.server.address() as { port: number }).port;
  const login = (client?: { cert: string; key: string }) =>
    new Promise<{ status: number; setup: string[] }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: p,
          path: '/api/session',
          method: 'POST',
          ca: readFileSync(pki.ca),
          servername: 'localhost',
          headers: { 'content-type': 'application/json' },
          ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}),
        },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode!, setup: JSON.parse(body).setup }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin1', password: 'Correct horse battery' }));
    });
  try {
    assert.deepEqual(
      await login(pki.clients.admin1),
      { status: 200, setup: [] },
      "the admin's own certificate: no TOTP to enrol",
    );
    assert.deepEqual(await login(), { status: 200, setup: ['totp'] }, 'no certificate: enrol a TOTP first');
    assert.deepEqual(
      await login(pki.clients['someone-else']),
      { status: 200, setup: ['totp'] },
      "another name's certificate counts for nothing",
    );
  } finally {
    await c.stop();
  }
});
