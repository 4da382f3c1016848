/**
 * Access control end to end: Wiegand converters (ASCII and binary) and a
 * turnstile relay board on real pty pairs, Mosquitto as the district broker,
 * cardholders synced down over MQTT.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { contractProblems } from '../controller/uplink/contract.ts';
import type { WiegandReaderDriver } from '../drivers/access/wiegand-reader-driver.ts';
import { consoleLogin, launchChromium } from './lib/browser.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { startController, tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { RtuSlaveSim } from './sim/modbus-transports.ts';
import { TurnstileSim } from './sim/turnstile-sim.ts';
import { WiegandConverterSim } from './sim/wiegand-converter-sim.ts';

const STUDENT_CARD = (12 << 16) | 34567; // W26 facility 12, card 34567
const STAFF_CARD = 0x8a1b2c3d; // W34

export const accessSync = {
  id: 'sync-1',
  args: {
    version: 1,
    full: true,
    groups: [
      { id: 'students', name: '学生' },
      { id: 'staff', name: '教职工' },
    ],
    schedules: [
      {
        id: 'always',
        name: '全天',
        onHolidays: true,
        intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
      },
    ],
    rules: [
      { gateId: 'south', groupId: 'students', scheduleId: 'always' },
      { gateId: 'south', groupId: 'staff', scheduleId: 'always' },
    ],
    cardholders: [
      {
        id: 'stu-001',
        name: '张小明',
        kind: 'student',
        class: '初一(1)班',
        card: String(STUDENT_CARD),
        groups: ['students'],
      },
      { id: 'tch-001', name: '李老师', kind: 'staff', class: null, card: String(STAFF_CARD), groups: ['staff'] },
    ],
  },
};

describe('access control: readers, turnstile, decisions, sync', () => {
  const t = tempDir('access');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const inPty = new PtyPair(t.dir, 'wiegand-in');
  const outPty = new PtyPair(t.dir, 'wiegand-out');
  const gatePty = new PtyPair(t.dir, 'gate-bus');
  const turnstile = new TurnstileSim();
  const north = new TurnstileSim();
  const board = new RtuSlaveSim(
    gatePty.deviceEnd,
    new Map([
      [5, turnstile.unit],
      [6, north.unit],
    ]),
    38400,
  );
  const inReader = new WiegandConverterSim(inPty.deviceEnd, 'ascii', 'w26');
  const outReader = new WiegandConverterSim(outPty.deviceEnd, 'binary', 'w34');
  let noc: NocSubscriber;
  let c: Controller;

  const access = (type: string) => noc.envelopes('/events/access').filter((e) => e.type === type);

  before(async () => {
    await broker.start();
    for (const p of [inPty, outPty, gatePty]) await p.plug();
    await board.open();
    await inReader.open();
    await outReader.open();
    noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-access');
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: broker.url, reconnect_s: 0.3 },
        buses: [{ id: 'gate-bus', type: 'modbus-rtu', port: gatePty.controllerEnd, baud_rate: 38400, timeout_ms: 150 }],
        access: {
          gates: [
            { id: 'south', name: '南门', bus: 'gate-bus', address: 5, pulse_ms: 400, poll_ms: 50, grant_window_s: 3 },
            { id: 'north', name: '北门', bus: 'gate-bus', address: 6, poll_ms: 50 },
          ],
          readers: [
            {
              id: 'south-in',
              type: 'wiegand-serial',
              port: inPty.controllerEnd,
              framing: 'ascii',
              format: 'w26',
              gate: 'south',
              direction: 'in',
            },
            {
              id: 'south-out',
              type: 'wiegand-serial',
              port: outPty.controllerEnd,
              framing: 'binary',
              format: 'w34',
              gate: 'south',
              direction: 'out',
            },
          ],
        },
      }),
    );
    await waitFor(
      'both gates and both readers online',
      () =>
        ['south', 'north', 'south-in', 'south-out'].every(
          (id) => c.health.list().find((d) => d.id === id)?.health === 'online',
        ),
      10_000,
    );
  });
  after(async () => {
    await c?.stop();
    await noc?.close();
    await inReader.close();
    await outReader.close();
    await board.close();
    for (const p of [inPty, outPty, gatePty]) await p.unplug();
    await broker.stop();
    t.remove();
  });

  test('the district syncs the cardholder list down over MQTT', async () => {
    await noc.publish(`${topicRoot}/cmd/cardholders.sync`, accessSync);
    const result = await waitFor('the sync result', () =>
      noc.envelopes('/cmd-result').find((e) => e.data.requestId === 'sync-1'),
    );
    assert.deepEqual(result.data.result, { version: 1, cardholders: 2 });
    assert.equal((result.data.args as { cardholders: string }).cardholders, '[redacted]', 'names are not echoed back');
    await noc.publish(`${topicRoot}/cmd/cardholders.sync`, { id: 'sync-stale', args: { version: 2, baseVersion: 0 } });
    const stale = await waitFor('the stale delta refused', () =>
      noc.envelopes('/cmd-result').find((e) => e.data.requestId === 'sync-stale'),
    );
    assert.match(stale.data.error as string, /send a full resync/);
  });

  test('a valid card opens the gate; the grant and the passage reach the broker', async () => {
    turnstile.relayLog.length = 0;
    inReader.swipe(STUDENT_CARD);
    await waitFor('the in relay pulsed', () => turnstile.relayLog.some((r) => r.direction === 'in' && r.on));
    const passage = await waitFor('the passage at the NOC', () =>
      access('access.passage').find((e) => e.data.cardholderId === 'stu-001'),
    );
    assert.equal(passage.data.direction, 'in');
    const granted = access('access.granted').find((e) => e.data.cardholderId === 'stu-001')!;
    assert.equal(granted.data.card, null, 'a known card is named by its holder, not its number');
    await waitFor('the relay released after its pulse', () => !turnstile.isOpen('in'), 3000);
    const on = turnstile.relayLog.find((r) => r.on)!,
      off = turnstile.relayLog.find((r) => !r.on)!;
    assert.ok(off.at - on.at >= 350 && off.at - on.at < 1500, `pulse of ${off.at - on.at} ms`);
    assert.equal(
      c.allowlist.attendance(passage.data.day as string).find((a) => a.cardholderId === 'stu-001')?.entries,
      1,
    );
  });

  test('binary W34 frames work the out direction', async () => {
    outReader.swipe(STAFF_CARD);
    await waitFor('the staff exit', () =>
      access('access.passage').some((e) => e.data.cardholderId === 'tch-001' && e.data.direction === 'out'),
    );
  });

  test('an unknown card is denied and the relay stays shut; 5 denials in a row raise an alarm', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      inReader.swipe(999_000 + i);
      await waitFor(
        `denial ${i + 1}`,
        () => access('access.denied').filter((e) => e.source === 'south-in').length >= i + 1,
      );
    }
    const denied = access('access.denied')[0]!;
    assert.equal(denied.data.reason, 'unknown-card');
    assert.equal(denied.data.card, '999000');
    assert.deepEqual(
      turnstile.relayLog.filter((r) => r.on && r.at >= t0),
      [],
      'no relay opened',
    );
    await waitFor('the repeated-denial alarm', () =>
      noc
        .envelopes('/alarms')
        .some(
          (e) =>
            e.type === 'alarm.raised' && (e.data.alarm as { key: string }).key === 'access.denied-repeatedly:south-in',
        ),
    );
  });

  test('garbage on the reader line is counted and dropped; the next card still works', async () => {
    const reader = c.drivers.find(
      (d) => (d as WiegandReaderDriver).stats?.().reader === 'south-out',
    ) as WiegandReaderDriver;
    const before = reader.counters.malformed;
    outReader.garbage();
    await waitFor('malformed frames counted', () => reader.counters.malformed >= before + 2);
    const passages = access('access.passage').length;
    outReader.swipe(STAFF_CARD);
    await waitFor('the next passage', () => access('access.passage').length > passages);
  });

  test('a passage without a grant is tailgating', async () => {
    turnstile.walk('in');
    await waitFor('the tailgating alarm', () =>
      noc.envelopes('/alarms').some((e) => (e.data.alarm as { key: string }).key === 'gate.tailgating:south'),
    );
  });

  test('a remote open to a relay board that does not answer is an error, to the console and to the district', async () => {
    north.unit.fault = 'silent';
    try {
      const local = await c.commands.execute(
        { name: 'gate.open', args: { gateId: 'north', direction: 'in' } },
        { kind: 'user', name: 'guard1', role: 'guard' },
      );
      assert.equal(local.ok, false);
      assert.match(local.error!, /north did not open/);
      const remote = await noc.command(topicRoot, 'gate.open', { gateId: 'north', direction: 'in' });
      assert.equal(remote.ok, false, 'the district hears it failed');
      assert.match(remote.error!, /did not open/);
    } finally {
      north.unit.fault = 'none';
    }
  });

  test('a relay left energised (its off lost) is read back, switched off, and alarmed until it is', async () => {
    // The exit relay: the entry one may still be switching off after the test before.
    const coil = 1;
    north.unit.coils[coil] = 1; // as if the board missed the off of an earlier pulse
    await waitFor('the relay switched off by the read-back', () => north.unit.coils[coil] === 0, 3000);
    const raised = () => c.pipeline.log.search({ type: 'alarm.raised', source: 'north', limit: 20 });
    await waitFor('the mismatch alarmed', () =>
      raised().some((e) => (e.data.alarm as { type: string }).type === 'gate.relay-mismatch'),
    );
    await waitFor('and cleared once right', () => !c.alarms.isActive('gate.relay-mismatch:north'), 3000);
    const detail = raised().find((e) => (e.data.alarm as { type: string }).type === 'gate.relay-mismatch')!;
    assert.match(JSON.stringify(detail.data), /coil 1 \(out\) is on, commanded off/);
  });

  test('remote open and lock are commands: audited, and a locked gate denies valid cards', async () => {
    turnstile.relayLog.length = 0;
    await noc.publish(`${topicRoot}/cmd/gate.open`, { id: 'open-1', args: { gateId: 'south', direction: 'out' } });
    await waitFor('the remote open', () => turnstile.relayLog.some((r) => r.direction === 'out' && r.on));
    const r = await c.commands.execute(
      { name: 'gate.mode', args: { gateId: 'south', mode: 'locked' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(r.ok, true);
    inReader.swipe(STUDENT_CARD);
    await waitFor('the locked denial', () => access('access.denied').some((e) => e.data.reason === 'gate-locked'));
    // The status command shows each feature's state, the gate's mode among them.
    const status = await c.commands.execute({ name: 'status', args: {} }, { kind: 'district', name: 'noc' });
    assert.deepEqual((status.result as { features: { access: unknown } }).features.access, {
      fire: false,
      gates: { south: 'locked', north: 'normal' },
    });
    await c.commands.execute(
      { name: 'gate.mode', args: { gateId: 'south', mode: 'normal' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    const audit = (c.commands.recentAudit(10) as { command: string; actor: string }[]).filter((a) =>
      a.command.startsWith('gate.'),
    );
    assert.ok(audit.some((a) => a.command === 'gate.open' && a.actor === 'noc'));
    assert.ok(audit.some((a) => a.command === 'gate.mode' && a.actor === 'guard1'));
  });

  test('the access page: a guard locks the gate in one click and watches the denial; an admin imports a CSV', async () => {
    await c.users.add('guard1', 'guard', 'guard-password-1');
    await c.users.add('admin1', 'admin', 'admin-password-1');
    const browser = await launchChromium();
    try {
      const base = `http://127.0.0.1:${c.site.config.console.port}`;
      const login = async (user: string, password: string) => {
        const page = await consoleLogin(await browser.newPage(), base, user, password);
        await page.goto(`${base}/#/access`);
        return page;
      };
      const page = await login('guard1', 'guard-password-1');
      const gate = page.locator('[data-gate=south]');
      // Locking asks first, and says what it does to whom.
      const asked: string[] = [];
      page.once('dialog', (d) => {
        asked.push(d.message());
        void d.accept();
      });
      await gate.locator('button[data-mode=locked]').click();
      assert.match(asked[0] ?? '', /锁闭 .*所有刷卡将被拒绝/);
      await gate.locator('[data-testid=gate-mode]').filter({ hasText: '锁闭' }).waitFor({ timeout: 5000 });
      inReader.swipe(STUDENT_CARD);
      await page
        .locator('[data-testid=passages] tr')
        .filter({ hasText: '张小明' })
        .filter({ hasText: '闸机锁闭' })
        .first()
        .waitFor({ timeout: 5000 });
      await gate.locator('button[data-mode=normal]').click();
      await gate.locator('[data-testid=gate-mode]').filter({ hasText: '正常' }).waitFor({ timeout: 5000 });
      assert.equal(await page.locator('[data-testid=csv-import]').count(), 0, 'guards do not manage cardholders');

      const admin = await login('admin1', 'admin-password-1');
      await admin.locator('[data-testid=csv-import]').setInputFiles({
        name: 'students.csv',
        mimeType: 'text/csv',
        // As Excel on Chinese Windows saves it: GBK ("id,name,kind,class,card,groups", then 孙小红 in 初一(2)班).
        buffer: Buffer.from(
          '69642c6e616d652c6b696e642c636c6173732c636172642c67726f7570730a7374752d3030322ccbefd0a1baec2c73747564656e742cb3f5d2bb283229b0e02c343234322c73747564656e74730a',
          'hex',
        ),
      });
      await admin
        .locator('[role=alert]')
        .filter({ hasText: '已导入: 新增 1, 更新 0, 未变 0 (GB18030)' })
        .waitFor({ timeout: 5000 });
      await admin.locator('[data-testid=cardholders] tr').filter({ hasText: '孙小红' }).waitFor({ timeout: 5000 });
      assert.equal(c.allowlist.byCard('4242')?.name, '孙小红');
      await admin.locator('tr[data-holder=stu-002] button').filter({ hasText: '停用' }).click();
      await admin.locator('tr[data-holder=stu-002]').filter({ hasText: '已停用' }).waitFor({ timeout: 5000 });
      assert.equal(c.allowlist.byId('stu-002')?.enabled, false);
    } finally {
      await browser.close();
    }
  });

  test('the fire input at one gate frees every gate within 1 s with the district link down; the evacuation keeps them free until the all-clear', async () => {
    await broker.stop();
    await waitFor('the uplink down', () => !c.uplink.status.connected);
    turnstile.autoPass = false;
    const t0 = Date.now();
    turnstile.setFire(true);
    await waitFor(
      'both directions of both gates released',
      () => [turnstile, north].every((g) => g.isOpen('in') && g.isOpen('out')),
      1000,
      10,
    );
    const releasedMs = Date.now() - t0;
    assert.ok(c.alarms.isActive('fire.linkage'));
    inReader.swipe(STUDENT_CARD);
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(turnstile.isOpen('in'), 'no pulse closes a gate held open for fire');
    // The shipped fire rule started the evacuation: the gates stay free after the fire signal
    // ends, until a person gives the all-clear.
    await waitFor('the evacuation under way', () => c.scenarios.active?.kind === 'evacuation', 5000, 50);
    turnstile.setFire(false);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(
      [turnstile, north].every((g) => g.isOpen('in') && g.isOpen('out')),
      'free while the evacuation lasts',
    );
    const clear = await c.commands.execute(
      { name: 'scenario.start', args: { kind: 'all-clear' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.ok(clear.ok);
    await waitFor(
      'the gates back to normal',
      () => [turnstile, north].every((g) => !g.isOpen('in') && !g.isOpen('out')),
      3000,
    );
    await broker.start();
    await waitFor(
      'the fire alarm forwarded after the link returns',
      () => noc.envelopes('/alarms').some((e) => (e.data.alarm as { key: string }).key === 'fire.linkage'),
      15_000,
    );
    console.log(`# fire input to every relay of both gates released: ${releasedMs} ms (uplink down)`);
    turnstile.autoPass = true;
  });

  test('every access record the NOC received conforms to the published contract', () => {
    const checked = noc.messages.filter((m) => !m.topic.includes('/cmd/'));
    for (const m of checked) {
      assert.deepEqual(
        contractProblems(m.topic.slice(topicRoot.length + 1), m.payload),
        [],
        `${m.topic}: ${JSON.stringify(m.payload).slice(0, 300)}`,
      );
    }
    assert.ok(checked.filter((m) => m.topic.endsWith('/events/access')).length > 10);
  });
});
