/**
 * The audit trail: to a syslog receiver nobody here wrote (Debian's rsyslog over TLS), every link
 * of the chain, in order, with its hash, an outage of the receiver caught up; and a change of the
 * site file between two starts recorded in it.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Rsyslog } from './lib/rsyslog.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { makePki } from './lib/test-pki.ts';

const t = tempDir('syslog');
mkdirSync(join(t.dir, 'pki'));
const pki = makePki(join(t.dir, 'pki'), []);
const receiver = new Rsyslog(join(t.dir, 'rsyslog'), { ca: pki.ca, ...pki.server });

before(() => receiver.start());
after(async () => {
  await receiver.stop();
  t.remove();
});

test('every audit link reaches rsyslog over TLS in chain order, Chinese intact, and an outage is caught up', async () => {
  const c = await startController(
    await writeSite(join(t.dir, 'gw'), {
      uplink: { url: 'mqtt://127.0.0.1:1' },
      audit: { syslog: { host: '127.0.0.1', port: receiver.port, ca: pki.ca } },
    }),
  );
  const links = () => c.db.prepare('SELECT n, hash FROM audit_chain ORDER BY n').all() as { n: number; hash: string }[];
  const received = () =>
    receiver.lines().map((l) => ({
      msgId: l.split('|')[0],
      link: Number(/ link="(\d+)"/.exec(l)?.[1]),
      hash: / hash="([0-9a-f]+)"/.exec(l)?.[1],
      line: l,
    }));
  try {
    for (let i = 0; i < 5; i++)
      await c.commands.execute({ name: 'status', args: {} }, { kind: 'user', name: `guard${i}`, role: 'guard' });
    c.commands.record({ kind: 'user', name: '张老师' }, 'cardholders.read', { q: '初二(3)班' }, true, { rows: 40 });
    await waitFor('every link at rsyslog', () => received().length >= links().length, 15_000);
    assert.deepEqual(
      received().map((r) => [r.link, r.hash]),
      links().map((l) => [l.n, l.hash]),
      'each link once, in order, with its hash',
    );
    assert.ok(
      received().some((r) => r.line.includes('初二(3)班') && r.line.includes('actor="user:张老师"')),
      'UTF-8 text and structured data intact',
    );
    assert.deepEqual([...new Set(received().map((r) => r.msgId))].sort(), ['audit', 'audit-end']);

    await receiver.stop();
    for (let i = 0; i < 5; i++)
      await c.commands.execute({ name: 'status', args: {} }, { kind: 'user', name: 'during-outage', role: 'guard' });
    await new Promise((r) => setTimeout(r, 1500));
    await receiver.start();
    await waitFor(
      'the links made during the outage',
      () => {
        const got = new Set(received().map((r) => r.link));
        return links().every((l) => got.has(l.n));
      },
      60_000,
      200,
    );
    const got = received();
    console.log(
      `# syslog: ${links().length} audit links in the chain, ${got.length} messages at rsyslog (${got.length - new Set(got.map((r) => r.link)).size} resent after the outage), ${c.syslog!.stats.connects} TLS connections`,
    );
  } finally {
    await c.stop();
  }
});

test('a change of the site file between two starts is in the audit, from one hash to the other', async () => {
  const dir = join(t.dir, 'config-change');
  const file = await writeSite(dir, { uplink: { url: 'mqtt://127.0.0.1:1' } });
  const first = await startController(file);
  const port = first.site.config.console.port;
  await first.stop();
  const again = await startController(
    await writeSite(dir, {
      uplink: { url: 'mqtt://127.0.0.1:1' },
      console: { listen: '127.0.0.1', port },
      rooms: [{ id: '101', name: '初一(1)班' }],
    }),
  );
  try {
    const audit = again.commands.recentAudit(10) as { command: string; result: string }[];
    assert.deepEqual(
      audit.map((a) => a.command).filter((c) => c.startsWith('config.')),
      ['config.changed', 'config.first'],
    );
    const { from, to } = JSON.parse(audit.find((a) => a.command === 'config.changed')!.result) as {
      from: string;
      to: string;
    };
    assert.notEqual(from, to);
  } finally {
    await again.stop();
  }
});
