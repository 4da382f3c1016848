/**
 * Minors' data at rest: the store's files (the database, its WAL and shared memory, while the
 * controller runs and after it stops) are searched byte for byte for pupils' names, card numbers
 * and the ids that tie attendance and records to them. Erasing a pupil removes them; expired
 * cardholders are purged; an old store without sealing is sealed in place.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { databaseFile } from '../controller/runtime.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';

const t = tempDir('at-rest');
after(() => t.remove());

const pupils = [
  { id: 'stu-2026-0711', name: '王小明', card: '88776655', class: '初二(3)班' },
  { id: 'stu-2026-0712', name: 'Zoë Lindqvist', card: '99001122', class: '初二(3)班' },
];
const forms = (s: string) => [Buffer.from(s, 'utf8'), Buffer.from(s, 'utf16le')];

function storeFiles(c: Controller): Buffer[] {
  const db = databaseFile(c.site);
  return [db, `${db}-wal`, `${db}-shm`].filter(existsSync).map((f) => readFileSync(f));
}
const found = (files: Buffer[], needles: string[]) =>
  needles.filter((n) => forms(n).some((f) => files.some((b) => b.includes(f))));

async function school(dir: string, storage: Record<string, unknown> = {}) {
  const c = await startController(
    await writeSite(join(t.dir, dir), { uplink: { url: 'mqtt://127.0.0.1:1' }, storage }),
  );
  c.allowlist.upsertLocal({
    cardholders: pupils.map((p) => ({
      ...p,
      kind: 'student' as const,
      validFrom: null,
      validTo: p.id.endsWith('12') ? '2020-07-01' : null,
      enabled: true,
      groups: [],
    })),
  });
  for (const p of pupils) {
    await c.pipeline.ingest({
      topic: 'events/access',
      type: 'access.granted',
      source: 'r1',
      data: { gate: 'south', cardholderId: p.id, card: null },
    });
    await c.pipeline.ingest({
      topic: 'events/access',
      type: 'access.passage',
      source: 'south',
      data: { gate: 'south', direction: 'in', cardholderId: p.id, day: '2026-12-01', granted: true },
    });
  }
  return c;
}

test("names, cards and who a record is about are nowhere in the store's files, running or stopped; the console still shows them", async () => {
  const c = await school('sealed');
  try {
    const secrets = pupils.flatMap((p) => [p.name, p.card]);
    assert.deepEqual(found(storeFiles(c), secrets), [], 'while running: database, WAL and shared memory');
    assert.equal(c.allowlist.byCard('88776655')!.name, '王小明', 'decisions see the real cards');
    assert.deepEqual(
      c.allowlist
        .attendance('2026-12-01')
        .map((a) => a.cardholderId)
        .sort(),
      pupils.map((p) => p.id),
    );
    assert.equal(
      c.pipeline.log.search({ type: 'access.granted', limit: 5 })[0]!.data.cardholderId,
      'stu-2026-0712',
      'records read back whole',
    );
    const raw = c.db.prepare('SELECT cardholder_id FROM passages').all() as { cardholder_id: string }[];
    assert.ok(
      raw.every((r) => !r.cardholder_id.startsWith('stu-')),
      'attendance rows name nobody',
    );
    const rawEvents = c.db.prepare("SELECT data FROM events WHERE topic = 'events/access'").all() as { data: string }[];
    assert.ok(
      rawEvents.every((r) => !r.data.includes('stu-')),
      'access records name nobody at rest',
    );
  } finally {
    await c.stop();
  }
  assert.deepEqual(
    found(
      storeFiles(c),
      pupils.flatMap((p) => [p.name, p.card]),
    ),
    [],
    'after a clean stop',
  );
});

test('erasing a pupil removes them from the store, even unsealed: secure_delete and a truncated WAL', async () => {
  // A lab store, unsealed, shows that the bytes go, not only that they are hidden.
  const c = await school('erase', { encrypt_personal_data: false });
  try {
    const p = pupils[0]!;
    assert.deepEqual(found(storeFiles(c), [p.name, p.card]), [p.name, p.card], 'unsealed, the lab store has them');
    const r = await c.commands.execute(
      { name: 'cardholder.erase', args: { id: p.id } },
      { kind: 'user', name: 'admin1', role: 'admin' },
    );
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(r.result, { id: p.id, cardholder: true, passages: 1, records: 2 });
    c.pipeline.flush();
    assert.deepEqual(found(storeFiles(c), [p.name, p.card]), [], 'gone from the database and the WAL');
    assert.equal(c.allowlist.byId(p.id), undefined);
    const records = c.pipeline.log.search({ topic: 'events/access', limit: 10 }).filter((e) => e.data.erased);
    assert.equal(records.length, 2, 'what happened is kept, without who');
    assert.ok(records.every((e) => e.data.cardholderId === null));
  } finally {
    await c.stop();
  }
});

test('a cardholder whose validity ended long ago is purged, and the purge is audited', async () => {
  const c = await school('purge');
  try {
    await (c as unknown as { purgeExpiredCardholders(): Promise<void> }).purgeExpiredCardholders();
    assert.equal(c.allowlist.byId('stu-2026-0712'), undefined, 'left in 2020: erased');
    assert.ok(c.allowlist.byId('stu-2026-0711'), 'still at school: kept');
    const audit = c.commands.recentAudit(10) as { actor: string; command: string; ok: number }[];
    assert.ok(audit.some((a) => a.actor === 'retention' && a.command === 'cardholder.erase' && a.ok === 1));
  } finally {
    await c.stop();
  }
});

test('a store from before sealing is sealed in place at the next start', async () => {
  const dir = join(t.dir, 'upgrade');
  const file = await writeSite(dir, {
    uplink: { url: 'mqtt://127.0.0.1:1' },
    storage: { encrypt_personal_data: false },
  });
  const plain = await startController(file);
  plain.allowlist.upsertLocal({
    cardholders: [{ ...pupils[0]!, kind: 'student', validFrom: null, validTo: null, enabled: true, groups: [] }],
  });
  await plain.stop();
  assert.deepEqual(found(storeFiles(plain), [pupils[0]!.name]), [pupils[0]!.name]);
  const sealed = await startController(
    await writeSite(dir, {
      uplink: { url: 'mqtt://127.0.0.1:1' },
      console: { listen: '127.0.0.1', port: plain.site.config.console.port },
    }),
  );
  try {
    assert.equal(sealed.allowlist.byCard(pupils[0]!.card)!.name, pupils[0]!.name);
    assert.deepEqual(found(storeFiles(sealed), [pupils[0]!.name, pupils[0]!.card]), []);
  } finally {
    await sealed.stop();
  }
});
