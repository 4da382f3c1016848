/**
 * The console demands attention for alarms, in Chromium: a sound that repeats until a person
 * acknowledges (faster for critical), muted for a while and never for good; the open count in
 * the tab title; desktop notifications; critical unmistakable; the banner kept while the
 * condition lasts; and device states shown as unknown while the controller is out of reach.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Controller } from '../controller/runtime.ts';
import { consoleLogin, launchChromium } from './lib/browser.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';

const PASSWORD = 'guard-password-1';

describe('alarms that demand attention, in Chromium', () => {
  const t = tempDir('attention');
  let gw: Awaited<ReturnType<typeof startCo2Gateway>>;
  let c: Controller;
  let browser: Browser;
  let page: Page;

  const sound = async () => ({
    state: await page.getAttribute('[data-testid=alarm-sound]', 'data-state'),
    beeps: Number(await page.getAttribute('[data-testid=alarm-sound]', 'data-beeps')),
  });
  const raise = (key: string, severity: 'major' | 'critical', message: string) =>
    c.alarms.raise({ key, type: 'test.alarm', source: 'co2-1', severity, message, data: {} });

  before(async () => {
    gw = await startCo2Gateway(1);
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [gw.bus],
        devices: gw.devices(0.5),
      }),
    );
    await c.users.add('guard1', 'guard', PASSWORD);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Desktop notifications as a browser that was allowed them: each one is kept for the test to read.
    // As source text: the test file is transpiled, and its functions would call a naming helper
    // that does not exist in the page.
    await context.addInitScript({
      content: `
        window.shownNotifications = [];
        function FakeNotification(title, o) {
          window.shownNotifications.push({ title, body: o.body, requireInteraction: !!o.requireInteraction });
        }
        FakeNotification.permission = 'granted';
        FakeNotification.requestPermission = () => Promise.resolve('granted');
        window.Notification = FakeNotification;
      `,
    });
    page = await consoleLogin(
      await context.newPage(),
      `http://127.0.0.1:${c.site.config.console.port}`,
      'guard1',
      PASSWORD,
    );
  });
  after(async () => {
    await browser?.close();
    await c?.stop();
    await gw?.sim.close();
    t.remove();
  });

  test('nothing open: no sound, the plain title', async () => {
    await waitFor('the device online', async () =>
      (await page.textContent('[data-testid=device-table]'))?.includes('在线'),
    );
    assert.equal((await sound()).state, 'off');
    assert.equal(await page.title(), '校园边缘控制器');
  });

  test('a major alarm: a repeating sound, the count in the title, a notification', async () => {
    raise('test:door-forced', 'major', 'gate forced');
    await page.locator('[data-testid=alarm-banner][data-severity=major]').waitFor({ timeout: 5000 });
    await waitFor('the major sound', async () => (await sound()).state === 'major', 5000);
    assert.equal(await page.title(), '(1) 校园边缘控制器');
    const shown = await page.evaluate(
      () => (window as unknown as { shownNotifications: { body: string }[] }).shownNotifications,
    );
    assert.deepEqual(
      shown.map((n) => n.body),
      ['gate forced'],
    );
  });

  test('a critical alarm: another, faster sound, a banner unlike major, a notification that stays', async () => {
    raise('test:button', 'critical', '门卫室一键报警');
    await page.locator('[data-testid=alarm-banner][data-severity=critical]').waitFor({ timeout: 5000 });
    await waitFor('the critical sound', async () => (await sound()).state === 'critical', 5000);
    const before = (await sound()).beeps;
    await new Promise((r) => setTimeout(r, 4500));
    assert.ok((await sound()).beeps >= before + 2, 'critical repeats every 2 s');
    assert.equal(await page.title(), '(2) 校园边缘控制器');
    const shown = await page.evaluate(
      () => (window as unknown as { shownNotifications: { requireInteraction: boolean }[] }).shownNotifications,
    );
    assert.equal(shown.at(-1)!.requireInteraction, true);
    const banner = await page.$eval('[data-testid=alarm-banner]', (el) => getComputedStyle(el).animationName);
    assert.equal(banner, 'pulse');
  });

  test('muted for 5 minutes the sound stops and says until when; sound on brings it back', async () => {
    await page.click('[data-testid=mute]');
    await page.locator('[data-testid=muted-until]').waitFor({ timeout: 2000 });
    assert.equal((await sound()).state, 'muted');
    const muted = (await sound()).beeps;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await sound()).beeps, muted, 'no sound while muted');
    const until = await page.evaluate(() => Number(localStorage.getItem('campus-edge.alarm-mute-until')));
    assert.ok(until - Date.now() <= 5 * 60_000 && until > Date.now(), 'the mute ends by itself');
    await page.getByRole('button', { name: '恢复提示音' }).click();
    await waitFor('the sound back', async () => (await sound()).state === 'critical', 3000);
  });

  test('acknowledged together with a handling note, the sound stops; a condition still active keeps its banner until it clears', async () => {
    await page.goto(`http://127.0.0.1:${c.site.config.console.port}/#/alarms`);
    for (const key of ['test:button', 'test:door-forced'])
      await page.check(`[data-testid=alarm-table] tr[data-alarm="${key}"] input[type=checkbox]`);
    await page.fill('[data-testid=ack-note]', '监控查看：门卫误按，已复位');
    await page.click('[data-testid=ack-picked]');
    await waitFor('silence', async () => (await sound()).state === 'off', 5000);
    assert.equal(await page.title(), '校园边缘控制器');
    const noted = c.alarms.openAlarms().filter((a) => a.data.ackNote === '监控查看：门卫误按，已复位');
    assert.equal(noted.length, 2, 'the note stays with each alarm');
    const banner = page.locator('[data-testid=alarm-banner].acked');
    await banner.waitFor({ timeout: 5000 });
    assert.match((await banner.textContent()) ?? '', /已确认、仍在持续/);
    c.alarms.clear('test:button');
    c.alarms.clear('test:door-forced');
    await page.locator('[data-testid=alarm-banner]').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('the history: every state, filtered by severity, exported as a CSV Excel opens', async () => {
    await page.selectOption('[data-testid=filter-severity]', 'critical');
    await page.click('[data-testid=alarm-filters] button[type=submit]');
    const rows = page.locator('[data-testid=alarm-filters] + table tbody tr');
    await waitFor('the filtered list', async () => (await rows.count()) === 1, 5000);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-alarm'))), ['test:button']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-alarms]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\ufeff"raised","severity"'), csv.slice(0, 40));
    assert.match(csv, /"critical","test.alarm","co2-1",.*"门卫室一键报警"/);
    assert.match(csv, /监控查看：门卫误按，已复位/);
  });

  test('the shift log: a handover note, then the next shift sees it, the open alarms and what happened since', async () => {
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    await page.goto(`${base}/#/shift`);
    await page.fill('[data-testid=shift-text]', '南门闸机右侧读卡器时好时坏，已报修；下午有家长会');
    await page.click('[data-testid=shift-write]');
    await page.locator('[data-testid=shift-notes] li').filter({ hasText: '已报修' }).waitFor({ timeout: 5000 });
    raise('test:after-handover', 'major', 'after the handover');
    await waitFor('the alarm recorded', () => c.alarms.isActive('test:after-handover'));
    await page.reload();
    await page.locator('[data-testid=shift-notes] li').first().filter({ hasText: 'guard1' }).waitFor({ timeout: 5000 });
    await page
      .locator('[data-testid=shift-summary]')
      .filter({ hasText: /报警 \d+/ })
      .waitFor({ timeout: 5000 });
    await page.locator('tr[data-alarm="test:after-handover"]').first().waitFor({ timeout: 5000 });
    const audit = c.commands.recentAudit(5) as { command: string; actor: string }[];
    assert.ok(
      audit.some((a) => a.command === 'shift.note' && a.actor === 'guard1'),
      'the note is an audited command',
    );
    c.alarms.clear('test:after-handover');
    await page.locator('tr[data-alarm="test:after-handover"] button').first().click();
  });

  test('with the controller out of reach: a full-width banner and every device unknown; it recovers by itself', async () => {
    await page.goto(`http://127.0.0.1:${c.site.config.console.port}/#/dashboard`);
    await page.locator('[data-testid=device-table] [data-health=online]').first().waitFor({ timeout: 5000 });
    await page.context().setOffline(true);
    await page.locator('[data-testid=health-banner]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=device-table] [data-health=unknown]').first().waitFor({ timeout: 5000 });
    assert.equal(
      await page.locator('[data-testid=device-table] [data-health=online]').count(),
      0,
      'nothing shown as 在线',
    );
    await page.screenshot({ path: join(t.dir, 'unreachable.png') });
    await page.context().setOffline(false);
    await page.locator('[data-testid=health-banner]').waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('[data-testid=device-table] [data-health=online]').first().waitFor({ timeout: 15_000 });
  });
});
