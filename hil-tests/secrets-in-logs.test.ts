/**
 * No secret reaches a log, the store or the district. The controller runs as its own process at
 * the most verbose log level with a password-protected broker, a camera with a password, console
 * logins (a wrong one too), a new user and a session; then its output, every file under its data
 * directory and every message it published are searched for each secret, raw and in the encodings
 * it would travel in (Basic auth, URL-encoded in an RTSP address).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSite } from '../controller/config/load-site.ts';
import { ControllerProcess } from './lib/controller-process.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

const bin = fileURLToPath(new URL('../bin/campus-edge.js', import.meta.url));
const secret = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;
const secrets = {
  broker: secret('broker'),
  camera: secret('camera'),
  admin: secret('admin'),
  wrongLogin: secret('wrong'),
  newUser: secret('newuser'),
};
const t = tempDir('secrets');
const broker = new Mosquitto(join(t.dir, 'broker'), { users: { 'gw-test': secrets.broker, noc: 'noc-pass' } });
const camera = new OnvifCameraSim('admin', secrets.camera, 'SIM-SECRET');

before(async () => {
  await broker.start();
  await camera.start();
});
after(async () => {
  await camera.stop();
  await broker.stop();
  t.remove();
});

/** Every file under a directory, whole: the SQLite database, its WAL, snapshots. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

test('no secret appears in the log at trace level, in the store or in anything published', async () => {
  const dir = join(t.dir, 'gw');
  const siteFile = await writeSite(dir, {
    uplink: { url: broker.url, username: 'gw-test', password_file: 'broker.pw', reconnect_s: 0.3 },
    video: {
      cameras: [
        {
          id: 'cam-gate',
          host: '127.0.0.1',
          port: camera.port,
          username: 'admin',
          password_file: 'camera.pw',
          pull_timeout_s: 2,
        },
      ],
    },
  });
  writeFileSync(join(dir, 'broker.pw'), `${secrets.broker}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'camera.pw'), `${secrets.camera}\n`, { mode: 0o600 });
  const site = loadSite(siteFile);
  const added = spawnSync(
    process.execPath,
    [bin, 'user', 'add', '--config', siteFile, '--username', 'chief', '--role', 'admin'],
    { input: `${secrets.admin}\n`, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'trace' } },
  );
  assert.equal(added.status, 0, added.stderr);

  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`, { username: 'noc', password: 'noc-pass' }).connect(
    'noc-secrets',
  );
  const proc = new ControllerProcess(siteFile, site.config.console.port, { env: { LOG_LEVEL: 'trace' } });
  const base = `http://127.0.0.1:${site.config.console.port}`;
  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  let output = '';
  let whileRunning: { file: string; bytes: Buffer }[] = [];
  let token = '';
  try {
    await proc.start();
    await waitFor(
      'the uplink to log in to the broker',
      () => noc.messages.some((m) => m.topic === `${topicRoot}/state`),
      15_000,
    );
    assert.equal((await post('/api/session', { username: 'chief', password: secrets.wrongLogin })).status, 401);
    const login = await post('/api/session', { username: 'chief', password: secrets.admin });
    assert.equal(login.status, 200);
    token = /ce_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.ok(token.length >= 32, 'a session cookie');
    const { csrf } = (await login.json()) as { csrf: string };
    const auth = { cookie: `ce_session=${token}`, 'x-csrf-token': csrf };
    assert.equal(
      (await post('/api/users', { username: 'guard2', role: 'guard', password: secrets.newUser }, auth)).status,
      201,
    );
    // The camera's password is used on every SOAP call and for the snapshot.
    await waitFor(
      'the camera online',
      async () => {
        const list = (await (await fetch(`${base}/api/cameras`, { headers: auth })).json()) as {
          id: string;
          health: string;
        }[];
        return list.some((d) => d.id === 'cam-gate' && d.health === 'online');
      },
      15_000,
    );
    const snap = await fetch(`${base}/api/cameras/cam-gate/snapshot`, { headers: auth });
    assert.equal(snap.status, 200);
    assert.equal((await snap.arrayBuffer()).byteLength > 100, true);
    assert.equal((await noc.command(topicRoot, 'status', {})).ok, true);
    await waitFor('the new user in the audit as the district sees it', () =>
      noc.messages.some((m) => JSON.stringify(m.payload).includes('guard2')),
    );
    // While it runs the newest pages are in the WAL, which a clean stop folds into the database.
    whileRunning = filesUnder(join(dir, 'data')).map((f) => ({ ...f, file: `${f.file} (running)` }));
  } finally {
    await proc.kill('SIGTERM');
    output = added.stdout + added.stderr + proc.output;
    await noc.close();
  }

  // The searches must have something to search: the actions above were logged and recorded.
  const lines = output.split('\n').filter(Boolean);
  for (const logged of [
    /"path":"\/api\/session","status":401/,
    /"command":"user.add","args":\{"username":"guard2"/,
    /"path":"\/api\/cameras\/:id\/snapshot","status":200/,
  ]) {
    assert.match(output, logged, 'the actions are in the log, so the search below has something to search');
  }
  const stored = [...whileRunning, ...filesUnder(join(dir, 'data'))];
  const published = noc.messages.map((m) => `${m.topic} ${JSON.stringify(m.payload)}`).join('\n');
  const needles = Object.entries({ ...secrets, session: token }).flatMap(([name, s]) => [
    { name, s },
    { name: `${name} (URL-encoded)`, s: encodeURIComponent(s) },
    { name: `${name} (Basic)`, s: Buffer.from(`admin:${s}`).toString('base64') },
  ]);
  const leaks: string[] = [];
  for (const { name, s } of needles) {
    if (output.includes(s)) leaks.push(`${name} in the log`);
    if (published.includes(s)) leaks.push(`${name} published`);
    for (const f of stored) if (f.bytes.includes(s)) leaks.push(`${name} in ${f.file}`);
  }
  console.log(
    `# secrets: ${needles.length} forms of ${Object.keys(secrets).length + 1} secrets searched in ${lines.length} log lines at trace level, ` +
      `${stored.length} files (${stored.reduce((n, f) => n + f.bytes.length, 0)} bytes) under the data directory and ${noc.messages.length} published messages: ${leaks.length} found`,
  );
  assert.deepEqual(leaks, []);
});
