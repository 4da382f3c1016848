import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, writeSite } from '../../hil-tests/lib/site-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/campus-edge.js', import.meta.url));
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
const t = tempDir('cli');
after(() => t.remove());

test('config check: ok with a summary, or every error with file:line and a non-zero exit', async () => {
  const good = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1883' } });
  const ok = run(['config', 'check', good]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /: ok \(0 devices on 0 buses/);
  const bad = join(t.dir, 'bad.yaml');
  writeFileSync(
    bad,
    'school: { id: s, name: n, district: d }\ngateway: { id: "has space" }\nuplink: { url: "http://x" }\n',
  );
  const res = run(['config', 'check', bad]);
  assert.equal(res.status, 1);
  assert.match(res.stderr, new RegExp(`${bad}:2:\\d+: gateway\\.id: must match pattern`));
  assert.match(res.stderr, new RegExp(`${bad}:3:\\d+: uplink\\.url: must match pattern`));
  assert.match(res.stderr, /2 error\(s\)/);
});

test('user add takes the password from stdin, refuses weak ones, and backlog reports the outbox', async () => {
  const site = await writeSite(join(t.dir, 'u'), { uplink: { url: 'mqtt://127.0.0.1:1883' } });
  const weak = run(['user', 'add', '--config', site, '--username', 'admin', '--role', 'admin'], 'short\n');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /at least 10 characters/);
  const ok = run(
    ['user', 'add', '--config', site, '--username', 'admin', '--role', 'admin'],
    'a-long-enough-password-1\n',
  );
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /added admin "admin"/);
  const role = run(
    ['user', 'add', '--config', site, '--username', 'x', '--role', 'root'],
    'a-long-enough-password-1\n',
  );
  assert.equal(role.status, 2);
  const backlog = run(['backlog', '--config', site]);
  assert.equal(backlog.status, 0, backlog.stderr);
  assert.match(backlog.stdout, /^events\s+2/m, 'the audited results of both attempts wait for the uplink');
  assert.match(backlog.stdout, /telemetry\s+0/);
});

test('an unknown command prints the usage and exits 2', () => {
  const res = run(['frobnicate']);
  assert.equal(res.status, 2);
  assert.match(res.stderr, /unknown command "frobnicate"/);
});
