import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { openDatabase } from './database.ts';
import { AuditLog, digest } from './audit-log.ts';

const actor = { kind: 'user', name: 'admin1', role: 'admin' };

function filled() {
  const db = openDatabase(':memory:');
  const log = new AuditLog(db);
  for (let i = 0; i < 5; i++) {
    const { id } = log.start(actor, 'gate.open', { gateId: `g${i}` });
    log.finish(id, true, { opened: i });
  }
  log.record({ kind: 'user', name: 'guard1' }, 'login', { ip: '10.0.0.1' }, true, null);
  return { db, log };
}

test('an untouched trail verifies; every change, deletion, insertion or reordering is found at its row', () => {
  const v = filled().log.verify() as {
    ok: boolean;
    links: number;
    rows: number;
    head: { n: number };
    unfinished: number[];
  };
  assert.deepEqual([v.ok, v.links, v.rows, v.head.n, v.unfinished], [true, 12, 6, 12, []]);
  const tampering: [string, string, RegExp][] = [
    ['an actor rewritten', "UPDATE audit SET actor = 'nobody' WHERE id = 3", /row 3 was changed/],
    ['an outcome rewritten', 'UPDATE audit SET ok = 0 WHERE id = 2', /row 2 was changed/],
    ['a row deleted', 'DELETE FROM audit WHERE id = 4', /row 4 was deleted/],
    [
      'a row added behind the chain',
      "INSERT INTO audit (ts, actor, actor_kind, command, args) VALUES (1, 'x', 'user', 'user.add', '{}')",
      /row 7 is in no link/,
    ],
    ['a link removed', 'DELETE FROM audit_chain WHERE n = 5', /link 5 is missing/],
    ['a link rewritten', "UPDATE audit_chain SET hash = 'ab' WHERE n = 7", /row 4 was changed/],
  ];
  for (const [what, sql, reason] of tampering) {
    const { db, log } = filled();
    db.exec(sql);
    const v = log.verify();
    assert.equal(v.ok, false, what);
    assert.match((v as { brokenAt: { reason: string } }).brokenAt.reason, reason, what);
  }
});

test('a command cut short by a crash shows as unfinished, not as tampering', () => {
  const db = openDatabase(':memory:');
  const log = new AuditLog(db);
  log.start(actor, 'gate.open', {});
  const v = log.verify();
  assert.ok(v.ok);
  assert.deepEqual((v as { unfinished: number[] }).unfinished, [1]);
});

test("the chain is SM3 as Debian's openssl computes it", () => {
  const { db } = filled();
  const link = db.prepare('SELECT * FROM audit_chain WHERE n = 1').get() as { prev: string; hash: string };
  const row = db.prepare('SELECT * FROM audit WHERE id = 1').get() as Record<string, unknown>;
  const input = link.prev + JSON.stringify([row.id, row.ts, row.actor, row.actor_kind, row.command, row.args]);
  const openssl = spawnSync('openssl', ['dgst', '-sm3', '-r'], { input });
  assert.equal(openssl.status, 0, String(openssl.stderr));
  assert.equal(openssl.stdout.toString().split(' ')[0], link.hash);
  assert.equal(digest(link.prev, [row.id, row.ts, row.actor, row.actor_kind, row.command, row.args]), link.hash);
});

test('rows from before the chain are sealed into it once, in order', () => {
  const db = openDatabase(':memory:');
  db.exec(
    "INSERT INTO audit (ts, actor, actor_kind, command, args, ok, result, done_ts) VALUES (1, 'a', 'user', 'x', '{}', 1, 'null', 2), (3, 'b', 'user', 'y', '{}', NULL, NULL, NULL)",
  );
  const v = new AuditLog(db).verify();
  assert.deepEqual({ ok: v.ok, links: v.links }, { ok: true, links: 3 });
});
