/**
 * Every console page at a phone's width (390 px) in Chromium, in both languages: the menu folds
 * away and opens, nothing scrolls sideways, every visible control is a 44 px touch target, and
 * alarms come before the rest. A screenshot of every page, at desk and phone sizes and in both
 * languages, is kept in test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../controller/core/roles.ts';
import type { Controller } from '../controller/runtime.ts';
import { unreachableByKeyboard, wcagViolations } from './lib/accessibility.ts';
import { consoleLogin, launchChromium } from './lib/browser.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim } from './sim/gb-platform-sim.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts', 'console');
const PAGES: Record<'guard' | 'admin' | 'installer', string[]> = {
  guard: [
    'dashboard',
    'alarms',
    'shift',
    'maps',
    'access',
    'people',
    'cameras',
    'emergency',
    'environment',
    'events',
    'uplink',
    'account',
  ],
  admin: ['admin'],
  installer: ['install'],
};

const USERS = ['guard1', 'admin1', 'installer1'] as const;
type User = (typeof USERS)[number];

describe('the console at desk and phone sizes, in Chinese and English', () => {
  const t = tempDir('phone');
  let gw: Awaited<ReturnType<typeof startCo2Gateway>>;
  let c: Controller;
  let browser: Browser;
  let base: string;
  // A provincial platform, so the uplink page shows its table.
  const platform = new GbPlatformSim('34020000002000000001', '3402000000');

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    gw = await startCo2Gateway(2);
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [gw.bus],
        devices: gw.devices(1),
        gb28181: await gbSection(t.dir, [{ id: 'province', port: await platform.start() }]),
      }),
    );
    for (const [name, role] of [
      ['guard1', 'guard'],
      ['admin1', 'admin'],
      ['installer1', 'installer'],
    ] as const)
      await c.users.add(name, role as Role, 'console-password-1');
    base = `http://127.0.0.1:${c.site.config.console.port}`;
    browser = await launchChromium();
    c.alarms.raise({
      key: 'test:phone',
      type: 'test.alarm',
      source: 'co2-1',
      severity: 'major',
      message: 'gate forced',
      data: {},
    });
  });
  after(async () => {
    await browser?.close();
    await c?.stop();
    await gw?.sim.close();
    platform.stop();
    t.remove();
  });

  // One login per user, its page resized and its language set for each test: logins are limited per address.
  const sessions = new Map<User, Page>();
  async function open(user: User, viewport: { width: number; height: number }, lang: string): Promise<Page> {
    let page = sessions.get(user);
    if (!page) {
      // A browser in another time zone than the school's: the console must still show school time.
      const context = await browser.newContext({ viewport, timezoneId: 'America/New_York' });
      page = await consoleLogin(await context.newPage(), base, user, 'console-password-1');
      sessions.set(user, page);
    }
    await page.setViewportSize(viewport);
    await page.evaluate((l) => localStorage.setItem('lang', l), lang);
    await page.goto(base);
    await page.waitForSelector('header');
    return page;
  }

  /** Visible controls smaller than a fingertip: each as "tag text height". */
  const smallTargets = (page: Page) =>
    page.$$eval('button, a, input, select, summary', (els) =>
      els
        .filter((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
        })
        .filter((e) => {
          const r = e.getBoundingClientRect();
          const small = (e as HTMLInputElement).type === 'checkbox' || (e as HTMLInputElement).type === 'radio';
          // A checkbox counts by its label, which carries the tap.
          const box = small ? (e.closest('label')?.getBoundingClientRect() ?? r) : r;
          return box.height < 43.5;
        })
        .map(
          (e) =>
            `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim().slice(0, 20)}" ${Math.round(e.getBoundingClientRect().height)}`,
        ),
    );

  for (const lang of ['zh-CN', 'en'] as const) {
    test(`phone, ${lang}: the menu folds, no page scrolls sideways, every control is a 44 px target`, async () => {
      for (const user of USERS) {
        const page = await open(user, { width: 390, height: 844 }, lang);
        assert.equal(await page.isVisible('header nav'), false, 'the menu starts folded');
        for (const p of PAGES[user.replace(/1$/, '') as keyof typeof PAGES]) {
          // As a guard does it: open the menu, tap the page.
          await page.click('[data-testid=menu-toggle]');
          assert.equal(await page.isVisible('header nav'), true);
          await page.click(`header nav a[href="#/${p}"]`);
          await page.waitForSelector(p === 'uplink' ? '[data-testid=platforms]' : 'main > *');
          await page.waitForTimeout(300);
          assert.equal(await page.isVisible('header nav'), false, `${p}: the menu closes once a page is chosen`);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(wide <= 0, `${p} scrolls ${wide} px sideways`);
          assert.deepEqual(await smallTargets(page), [], `${p}: controls under 44 px`);
          if (user === 'guard1') {
            const banner = await page.locator('[data-testid=alarm-banner]').boundingBox();
            const main = await page.locator('main').boundingBox();
            assert.ok(banner && main && banner.y < main.y, `${p}: the alarm comes before the page`);
          }
          await page.screenshot({ path: join(ARTIFACTS, `phone-${lang}-${p}.png`), fullPage: true });
        }
      }
    });

    test(`desk, ${lang}: times in the school's time zone with the date, every page WCAG AA and reachable by keyboard, and a screenshot of each`, async () => {
      const failures: string[] = [];
      for (const user of USERS) {
        const page = await open(user, { width: 1280, height: 900 }, lang);
        if (user === 'guard1') {
          const raised = c.alarms.openAlarms().find((a) => a.key === 'test:phone')!.raisedAt;
          const school = new Date(raised).toLocaleString(lang, {
            timeZone: 'Asia/Shanghai',
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
          await page
            .locator('tr[data-alarm="test:phone"]')
            .filter({ hasText: school })
            .first()
            .waitFor({ timeout: 5000 });
        }
        for (const p of PAGES[user.replace(/1$/, '') as keyof typeof PAGES]) {
          await page.goto(`${base}/#/${p}`);
          await page.waitForSelector(p === 'uplink' ? '[data-testid=platforms]' : 'main > *');
          await page.waitForTimeout(300);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(wide <= 0, `${p} scrolls ${wide} px sideways at desk size`);
          await page.screenshot({ path: join(ARTIFACTS, `desk-${lang}-${p}.png`), fullPage: true });
          for (const v of await wcagViolations(page)) failures.push(`${p}: ${v}`);
          for (const v of await unreachableByKeyboard(page)) failures.push(`${p}: not reachable by Tab: ${v}`);
        }
      }
      assert.deepEqual(failures, [], 'WCAG 2.1 AA (axe-core) and keyboard reach');
    });
  }
});
