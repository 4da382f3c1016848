/** The console in a real browser: log in, watch a live reading arrive, acknowledge an alarm. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { localTime } from '../controller/features/access/decide.ts';
import type { Controller } from '../controller/runtime.ts';
import { consoleLogin, launchChromium } from './lib/browser.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';

const PASSWORD = 'guard-password-1';

describe('security console in Chromium', () => {
  const t = tempDir('console');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  let gw: Awaited<ReturnType<typeof startCo2Gateway>>;
  let c: Controller;
  let browser: Browser;
  let base: string;

  before(async () => {
    await broker.start();
    gw = await startCo2Gateway(2);
    const devices = gw.devices(0.3).map((d, i) => ({ ...d, room: i === 0 ? '101' : '102' }));
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: broker.url },
        rooms: [
          { id: '101', name: '初一(1)班', name_en: 'Class 7-1' },
          { id: '102', name: '初一(2)班' },
        ],
        buses: [gw.bus],
        devices,
      }),
    );
    await c.users.add('guard1', 'guard', PASSWORD);
    await c.users.add('viewer1', 'viewer', PASSWORD);
    await c.users.add('admin1', 'admin', PASSWORD);
    await c.users.add('auditor1', 'auditor', PASSWORD);
    base = `http://127.0.0.1:${c.site.config.console.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await c?.stop();
    await gw?.sim.close();
    await broker.stop();
    t.remove();
  });

  // One login per user: the console allows five a minute from one address.
  const pages = new Map<string, Page>();
  async function login(username: string): Promise<Page> {
    const open = pages.get(username);
    if (open) {
      await open.goto(base);
      await open.waitForSelector('header nav');
      return open;
    }
    const page = await consoleLogin(
      await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(),
      base,
      username,
      PASSWORD,
    );
    pages.set(username, page);
    return page;
  }

  test('a wrong password is refused on the login page', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'Chinese first');
    await page.fill('#username', 'guard1');
    await page.fill('#password', 'not the password');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('[role=alert]'), '用户名或密码错误');
    await page.close();
  });

  test('a guard logs in, sees a live reading arrive and acknowledges an alarm', async () => {
    const page = await login('guard1');
    assert.match((await page.textContent('header nav')) ?? '', /报警/);
    const cell = page.locator('tr[data-device="co2-1"] td.live-reading');
    gw.sensors[0]!.set('co2', 777);
    await cell.filter({ hasText: '777 ppm' }).waitFor({ timeout: 10_000 });

    gw.sensors[0]!.set('co2', 1350);
    await page.locator('[data-testid=alarm-banner]').waitFor({ timeout: 10_000 });
    const row = page.locator('tr[data-alarm="env:co2-1:co2:high"]').first();
    await row.locator('button').click();
    await row.filter({ hasText: '已确认' }).waitFor({ timeout: 5000 });
    const alarm = c.alarms.openAlarms().find((a) => a.key === 'env:co2-1:co2:high')!;
    assert.equal(alarm.ackedBy, 'user:guard1');
    const audit = c.commands.recentAudit(5) as { actor: string; command: string; ok: number }[];
    assert.ok(audit.some((a) => a.actor === 'guard1' && a.command === 'alarm.ack' && a.ok === 1));
    // Acknowledged but the air is still bad: the banner stays, marked as acknowledged, until it clears.
    await page.locator('[data-testid=alarm-banner].acked').waitFor({ timeout: 5000 });
    gw.sensors[0]!.set('co2', 600);
    await page.locator('[data-testid=alarm-banner]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('English is one click away; charts, event search and the uplink page work', async () => {
    const page = await login('guard1');
    await page.click('[data-testid=lang-toggle]');
    // English is fetched the first time it is chosen.
    await page.locator('header nav').filter({ hasText: 'Alarms' }).waitFor({ timeout: 5000 });
    await page.goto(`${base}/#/environment`);
    await waitFor(
      'a chart with points',
      async () =>
        Number(
          await page
            .locator('[data-point=co2] svg')
            .getAttribute('data-points')
            .catch(() => '0'),
        ) > 2,
      10_000,
      250,
    );
    await page.goto(`${base}/#/events`);
    await page.fill('[data-testid=event-search]', 'alarm.acknowledged');
    await page.press('[data-testid=event-search]', 'Enter');
    // A sentence, not JSON: who acknowledged what.
    await page
      .locator('[data-testid=event-table] tbody tr[data-type="alarm.acknowledged"]')
      .first()
      .filter({ hasText: /guard1 acknowledged: / })
      .waitFor({ timeout: 5000 });
    await page.fill('[data-testid=event-search]', '');
    await page.selectOption('[data-testid=event-category]', 'telemetry');
    await page
      .locator('[data-testid=event-table] tbody tr[data-type="env.reading"]')
      .first()
      .waitFor({ timeout: 5000 });
    const table = (await page.textContent('[data-testid=event-table]')) ?? '';
    assert.match(table, /co2-1 in 101: Humidity 45 %RH · Temperature 21 °C · CO₂ \d+ ppm/);
    assert.doesNotMatch(table, /[{}"]/, 'no JSON in the log');
    await page.goto(`${base}/#/uplink`);
    await page.locator('[data-testid=uplink-state]').filter({ hasText: 'Connected' }).waitFor({ timeout: 5000 });
    assert.match((await page.textContent('[data-testid=backlog-total]')) ?? '', /^\d+$/);
    await page.screenshot({ path: join(t.dir, 'uplink.png') });
  });

  test('a viewer sees alarms but gets no acknowledge button', async () => {
    gw.sensors[1]!.set('co2', 1500);
    await waitFor('the alarm in room 102', () => c.alarms.isActive('env:co2-2:co2:high'));
    const page = await login('viewer1');
    const row = page.locator('tr[data-alarm="env:co2-2:co2:high"]').first();
    await row.waitFor();
    assert.equal(await row.locator('button').count(), 0);
  });

  test('an admin adds a guard in the console; the auditor, and only the auditor, reads it in the audit, without the password', async () => {
    const page = await login('admin1');
    await page.goto(`${base}/#/admin`);
    const form = page.locator('[data-testid=user-form]');
    await form.locator('input').first().fill('guard7');
    await form.locator('input[type=password]').fill('a-new-guard-password-7');
    await form.locator('button').click();
    await page.locator('tr[data-user=guard7]').waitFor({ timeout: 5000 });
    assert.doesNotMatch((await page.textContent('header nav')) ?? '', /安全审计/, 'the admin has no audit page');
    await page.goto(`${base}/#/auditor`);
    assert.equal(await page.locator('[data-testid=audit-table]').count(), 0);
    const auditor = await login('auditor1');
    assert.deepEqual(
      await auditor.locator('header nav a').allTextContents(),
      ['安全审计', '我的账户'],
      'the auditor works in the audit alone',
    );
    await auditor.locator('[data-testid=audit-table] tbody tr').first().waitFor({ timeout: 5000 });
    const audit = (await auditor.textContent('[data-testid=audit-table]')) ?? '';
    assert.match(audit, /user\.add/);
    assert.match(audit, /\[redacted\]/);
    assert.doesNotMatch(audit, /a-new-guard-password-7/);
    assert.ok(await c.users.verify('guard7', 'a-new-guard-password-7'));
  });

  test('refusals come as keys the console translates: a bad username in Chinese, then in English; a Chinese username is taken', async () => {
    const page = await login('admin1');
    await page.goto(`${base}/#/admin`);
    const form = page.locator('[data-testid=user-form]');
    const tryAdd = async (name: string) => {
      await form.locator('input').first().fill(name);
      await form.locator('input[type=password]').fill('a-new-guard-password-8');
      await form.locator('button').click();
    };
    await tryAdd('门 卫');
    await page
      .locator('[role=alert]')
      .filter({ hasText: '用户名为 2 至 32 个字（可用汉字）' })
      .waitFor({ timeout: 5000 });
    await page.click('[data-testid=lang-toggle]');
    await tryAdd('门 卫');
    await page
      .locator('[role=alert]')
      .filter({ hasText: 'username: 2 to 32 letters (Chinese too)' })
      .waitFor({ timeout: 5000 });
    await tryAdd('王门卫');
    await page.locator('tr[data-user="王门卫"]').waitFor({ timeout: 5000 });
    await page.click('[data-testid=lang-toggle]');
    assert.ok(await c.users.verify('王门卫', 'a-new-guard-password-8'));
  });

  test("an admin finds a pupil's passages by name, chooses between two, and exports the class attendance for Excel", async () => {
    c.allowlist.upsertLocal({
      cardholders: ['陈小红', '陈小兰', '刘强'].map((name, i) => ({
        id: `p${i + 1}`,
        name,
        kind: 'student' as const,
        class: i < 2 ? '初三(1)班' : '初三(2)班',
        card: String(7100 + i),
        validFrom: null,
        validTo: null,
        enabled: true,
        groups: [],
      })),
    });
    const day = localTime(Date.now(), c.site.config.school.timezone).date;
    for (const type of ['access.granted', 'access.passage'])
      await c.pipeline.ingest({
        topic: 'events/access',
        type,
        source: 'reader-1',
        data: { gate: 'east-gate', cardholderId: 'p2', direction: 'in' },
      });
    c.allowlist.recordPassage(Date.now(), day, 'p2', 'east-gate', 'in');

    const page = await login('admin1');
    await page.goto(`${base}/#/people`);
    await page.fill('[data-testid=who]', '陈小');
    await page.click('[data-testid=person-history] button[type=submit]');
    const choices = page.locator('[data-testid=matches] button');
    await choices.first().waitFor({ timeout: 5000 });
    assert.equal(await choices.count(), 2);
    await choices.filter({ hasText: '陈小兰' }).click();
    const rows = page.locator('[data-testid=history] tbody tr');
    await waitFor('her two records', async () => (await rows.count()) === 2, 5000);
    assert.match((await rows.first().textContent()) ?? '', /east-gate/);
    assert.doesNotMatch((await page.textContent('[data-testid=history]')) ?? '', /[{}"]/, 'sentences, not JSON');

    await page.selectOption('[data-testid=report-kind]', 'class');
    const report = page.locator('[data-testid=attendance]');
    // The class report's own column, not the day report's rows that name the class too.
    await report.filter({ hasText: '应到' }).filter({ hasText: '初三(1)班' }).waitFor({ timeout: 5000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\ufeff"班级考勤'), csv.slice(0, 40));
    assert.match(csv, /"班级","应到","出勤","缺勤","缺勤学生"/);
    assert.match(csv, /"初三\(1\)班","2","1","1","陈小红"/);
    assert.match(csv, /"初三\(2\)班","1","0","1","刘强"/);
  });

  test('when records cannot be committed every page shows it, in red, and the line goes once they can', async () => {
    const page = await login('guard1');
    const { openDatabase } = await import('../controller/store/database.ts');
    const { databaseFile } = await import('../controller/runtime.ts');
    const blocker = openDatabase(databaseFile(c.site));
    blocker.exec('BEGIN IMMEDIATE');
    try {
      await page
        .locator('[data-testid=health-banner]')
        .filter({ hasText: /记录无法写入存储|Records cannot be stored/ })
        .waitFor({ timeout: 15_000 });
      await page.goto(`${base}/#/access`);
      await page.locator('[data-testid=health-banner]').waitFor({ timeout: 10_000 });
    } finally {
      blocker.exec('COMMIT');
      blocker.close();
    }
    await page.locator('[data-testid=health-banner]').waitFor({ state: 'detached', timeout: 15_000 });
  });

  test('an installer enrols an authenticator by QR code in the console, then logs in with its code', async () => {
    const { TOTP, Secret } = await import('otpauth');
    await c.users.add('installer1', 'installer', PASSWORD);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(base);
    await page.fill('#username', 'installer1');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    // This test site asks no role for a second factor (the default asks admins and installers); the installer enrols by choice.
    await page.waitForSelector('header nav');
    await page.goto(`${base}/#/account`);
    await page.click('[data-testid=totp-start]');
    await page.locator('[data-testid=totp-form] svg').waitFor();
    const secret = (await page.textContent('[data-testid=totp-secret]'))!.trim();
    const phone = new TOTP({ issuer: 'campus-edge', label: 'installer1', secret: Secret.fromBase32(secret) });
    await page.fill('[data-testid=totp-form] input', phone.generate());
    await page.click('[data-testid=totp-form] button[type=submit]');
    await page.locator('[data-testid=recovery-codes] pre').waitFor();
    assert.equal((await page.textContent('[data-testid=recovery-codes] pre'))!.trim().split('\n').length, 10);
    await page.screenshot({ path: join(t.dir, 'totp.png') });
    const again = await ctx.newPage();
    await ctx.clearCookies();
    await again.goto(base);
    await again.fill('#username', 'installer1');
    await again.fill('#password', PASSWORD);
    await again.click('button[type=submit]');
    await again.locator('#code').waitFor({ timeout: 5000 });
    await again.fill('#code', phone.generate());
    await again.click('button[type=submit]');
    await again.waitForSelector('header nav');
    await ctx.close();
  });
});
