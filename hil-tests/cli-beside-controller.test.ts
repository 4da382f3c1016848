/**
 * The CLI's writing commands beside a live controller under load: they go through the
 * controller's admin socket, so one process alone writes the store. Every record is counted
 * from the sensors to the NOC, and the controller keeps committing and stays healthy.
 * A second controller on the same store refuses to start; provisioning a live root refuses too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { adminSocketPath } from '../controller/admin/admin-protocol.ts';
import { loadSite } from '../controller/config/load-site.ts';
import { databaseFile } from '../controller/runtime.ts';
import { openDatabase } from '../controller/store/database.ts';
import { ControllerProcess } from './lib/controller-process.ts';
import { committedRecords, compareDelivery } from './lib/delivery-check.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';

const bin = fileURLToPath(new URL('../bin/campus-edge.js', import.meta.url));
const t = tempDir('cli-beside');
const broker = new Mosquitto(join(t.dir, 'broker'));
let gw: Awaited<ReturnType<typeof startCo2Gateway>>;

before(async () => {
  await broker.start();
  gw = await startCo2Gateway(8);
});
after(async () => {
  await gw.sim.close();
  await broker.stop();
  t.remove();
});

function cli(args: string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    p.on('exit', (code) => resolve({ code, out }));
    p.stdin.end(stdin);
  });
}

test('user add beside a live controller under load: through the controller, every record delivered, no wedge', async () => {
  const siteFile = await writeSite(join(t.dir, 'gw'), {
    uplink: { url: broker.url, reconnect_s: 0.3 },
    buses: [gw.bus],
    devices: gw.devices(0.05),
  });
  const site = loadSite(siteFile);
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-cli-beside');
  const proc = new ControllerProcess(siteFile, site.config.console.port);
  const health = async () => (await fetch(`http://127.0.0.1:${site.config.console.port}/api/health`)).status;
  try {
    await proc.start();
    assert.equal(
      statSync(adminSocketPath(site)).mode & 0o777,
      0o600,
      'the admin socket is open to its owner (and root) alone',
    );
    await new Promise((r) => setTimeout(r, 500));
    const added: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await cli(
        ['user', 'add', '--config', siteFile, '--username', `guard${i}`, '--role', 'guard'],
        'Correct horse battery\n',
      );
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /through the running controller/);
      added.push(`guard${i}`);
    }
    const weak = await cli(['user', 'add', '--config', siteFile, '--username', 'weak1', '--role', 'guard'], 'short\n');
    assert.equal(weak.code, 1, 'a refusal is not an ok');
    assert.match(weak.out, /at least 10 characters/);
    const twice = await cli(
      ['user', 'add', '--config', siteFile, '--username', 'guard0', '--role', 'guard'],
      'Correct horse battery\n',
    );
    assert.equal(twice.code, 1);
    assert.match(twice.out, /exists/);

    // The controller went on committing through all of it, and says so.
    const before = committedRecords(databaseFile(site)).length;
    await waitFor(
      'the controller to commit more records',
      () => committedRecords(databaseFile(site)).length > before + 20,
      10_000,
    );
    assert.equal(await health(), 200);

    // An account locked from the console is unlocked, and one given a one-time password, at the gateway.
    const login = (password: string) =>
      fetch(`http://127.0.0.1:${site.config.console.port}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'guard1', password }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string; setup?: string[] } }));
    for (let i = 0; i < 5; i++) await login(`Wrong password ${i}`);
    assert.equal((await login('Correct horse battery')).body.code, 'auth.locked');
    const unlocked = await cli(['user', 'unlock', '--config', siteFile, '--username', 'guard1']);
    assert.equal(unlocked.code, 0, unlocked.out);
    assert.equal((await login('Correct horse battery')).status, 200);
    const reset = await cli(['user', 'reset', '--config', siteFile, '--username', 'guard1']);
    assert.equal(reset.code, 0, reset.out);
    const oneTime = /one-time password for "guard1": (\S+)/.exec(reset.out)![1]!;
    assert.deepEqual((await login(oneTime)).body.setup, ['password'], 'the one-time password must be changed first');

    const verified = await cli(['audit', 'verify', '--config', siteFile]);
    assert.equal(verified.code, 0, verified.out);
    assert.match(verified.out, /audit chain intact: \d+ links/, 'the chain verifies beside the running controller');
    const second = await cli(['run', '--config', siteFile]);
    assert.equal(second.code, 1, second.out);
    assert.match(second.out, /another controller is running on this store/);

    const committed = committedRecords(databaseFile(site));
    await waitFor(
      'every committed record at the NOC',
      () => compareDelivery(committed, noc.envelopes()).missing.length === 0,
      30_000,
    );
    const report = compareDelivery(committed, noc.envelopes());
    const audits = noc.envelopes('/events/audit').filter((e) => e.data.command === 'user.add');
    console.log(
      `# CLI beside a live controller: ${added.length} users added through it, 2 refusals; ${report.committed} records committed, ` +
        `${report.delivered} delivered, ${report.gaps} gaps, ${report.duplicates} duplicates; ${audits.length} user.add results at the NOC`,
    );
    assert.equal(report.delivered, report.committed);
    assert.equal(report.gaps, 0);
    assert.equal(audits.length, 7, 'every attempt, refused ones too, is audited and forwarded');
    assert.ok(!JSON.stringify(noc.envelopes()).includes(oneTime), 'the one-time password never reaches the district');
    assert.ok(
      audits.every((a) => JSON.stringify(a).includes('[redacted]') && !JSON.stringify(a).includes('correct horse')),
      'never the password',
    );
  } finally {
    await proc.kill('SIGTERM');
    await noc.close();
  }

  // With the controller stopped the CLI writes the store itself, and a controller started after continues the sequence.
  const offline = await cli(
    ['user', 'add', '--config', siteFile, '--username', 'admin9', '--role', 'admin'],
    'Correct horse battery\n',
  );
  assert.equal(offline.code, 0, offline.out);
  assert.match(offline.out, /no controller running/);
  const db = openDatabase(databaseFile(site));
  assert.equal(
    (
      db.prepare("SELECT count(*) AS n FROM users WHERE username LIKE 'guard%' OR username = 'admin9'").get() as {
        n: number;
      }
    ).n,
    6,
  );
  db.close();
  const seqs = committedRecords(databaseFile(site)).map((r) => r.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'one sequence, no gaps, no reuse',
  );

  // Someone with the disk rewrites who added a user: the chain names the row.
  const tamper = openDatabase(databaseFile(site));
  const row = tamper.prepare("SELECT id FROM audit WHERE command = 'user.add' ORDER BY id LIMIT 1").get() as {
    id: number;
  };
  tamper.prepare("UPDATE audit SET actor = 'nobody' WHERE id = ?").run(row.id);
  tamper.close();
  const broken = await cli(['audit', 'verify', '--config', siteFile]);
  assert.equal(broken.code, 1, broken.out);
  assert.match(
    broken.out,
    new RegExp(`BROKEN at link \\d+ \\(audit row ${row.id}\\): audit row ${row.id} was changed`),
  );
});

test('a commit that fails turns /api/health red within seconds, and green once commits work again', async () => {
  const siteFile = await writeSite(join(t.dir, 'gw-full'), {
    uplink: { url: broker.url, reconnect_s: 0.3 },
    buses: [gw.bus],
    devices: gw.devices(0.05),
  });
  const site = loadSite(siteFile);
  const proc = new ControllerProcess(siteFile, site.config.console.port);
  const health = () =>
    fetch(`http://127.0.0.1:${site.config.console.port}/api/health`, { headers: { 'accept-language': 'en' } });
  try {
    await proc.start();
    // Another process holds the write lock for longer than the controller waits for it.
    const blocker = openDatabase(databaseFile(site));
    blocker.exec('BEGIN IMMEDIATE');
    const locked = Date.now();
    await waitFor('/api/health to answer 503', async () => (await health()).status === 503, 20_000, 100).catch(
      (err) => {
        throw new Error(`${err.message}: ${proc.output.slice(-3000)}`);
      },
    );
    const redAfterMs = Date.now() - locked;
    const body = (await (await health()).json()) as { ok: boolean; error: string; code: string };
    assert.equal(body.ok, false);
    assert.equal(body.code, 'store.failing');
    assert.match(body.error, /records cannot be committed: database is locked/);
    blocker.exec('COMMIT');
    blocker.close();
    await waitFor('/api/health to answer 200 again', async () => (await health()).status === 200, 20_000, 100);
    const seqs = committedRecords(databaseFile(site)).map((r) => r.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      'the records held back meanwhile committed, in order',
    );
    console.log(
      `# a locked store: /api/health red ${redAfterMs} ms after the lock (the controller waits 200 ms for a lock), green again after; ${seqs.length} records, no gaps`,
    );
  } finally {
    await proc.kill('SIGTERM');
  }
});
