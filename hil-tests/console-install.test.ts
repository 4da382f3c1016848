/**
 * The installer's page in Chromium: every device of a small school (a turnstile on a real
 * serial line, an ONVIF camera, a PA zone, a CO2 sensor) with its live state and a test; the
 * installer's verdict; a failing test said as failed; and the commissioning record (验收记录)
 * printed and exported.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Controller } from '../controller/runtime.ts';
import { consoleLogin, launchChromium } from './lib/browser.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { waitFor } from './lib/ports.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { RtuSlaveSim } from './sim/modbus-transports.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';
import { TurnstileSim } from './sim/turnstile-sim.ts';

const PASSWORD = 'installer-password-1';

describe("the installer's page", () => {
  const t = tempDir('install');
  const gatePty = new PtyPair(t.dir, 'gate-bus');
  const turnstile = new TurnstileSim();
  const board = new RtuSlaveSim(gatePty.deviceEnd, new Map([[5, turnstile.unit]]), 38400);
  const cam = new OnvifCameraSim('admin', 'install-cam-pass');
  const zone = new PaEndpointSim();
  let gw: Awaited<ReturnType<typeof startCo2Gateway>>;
  let c: Controller;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await gatePty.plug();
    await board.open();
    await cam.start();
    await zone.start();
    gw = await startCo2Gateway(1);
    writeFileSync(join(t.dir, 'cam.pw'), 'install-cam-pass\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [
          gw.bus,
          { id: 'gate-bus', type: 'modbus-rtu', port: gatePty.controllerEnd, baud_rate: 38400, timeout_ms: 150 },
        ],
        devices: gw.devices(0.5),
        access: { gates: [{ id: 'south', name: '南门', bus: 'gate-bus', address: 5, pulse_ms: 300, poll_ms: 50 }] },
        video: {
          cameras: [
            {
              id: 'cam-gate',
              name: '校门摄像机',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
            },
          ],
        },
        pa: { zones: [{ id: 'yard', name: '操场', address: `127.0.0.1:${zone.port}` }] },
      }),
    );
    await c.users.add('installer1', 'installer', PASSWORD);
    await c.users.add('guard1', 'guard', PASSWORD);
    await waitFor(
      'the gate, camera and sensor online',
      () => ['south', 'cam-gate', 'co2-1'].every((id) => c.health.list().find((d) => d.id === id)?.health === 'online'),
      20_000,
    );
    browser = await launchChromium();
    page = await consoleLogin(
      await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage(),
      `http://127.0.0.1:${c.site.config.console.port}`,
      'installer1',
      PASSWORD,
    );
    await page.goto(`http://127.0.0.1:${c.site.config.console.port}/#/install`);
  });
  after(async () => {
    await browser?.close();
    await c?.stop();
    await gw?.sim.close();
    zone.stop();
    await cam.stop();
    await board.close();
    await gatePty.unplug();
    t.remove();
  });

  const row = (id: string) => page.locator(`[data-testid=commission-devices] tr[data-device="${id}"]`);
  async function runTest(id: string): Promise<string> {
    await row(id).locator('button').click();
    const result = page.locator('[data-testid=test-result]');
    await result.waitFor({ timeout: 10_000 });
    return (await result.textContent()) ?? '';
  }

  test('every device of the site is listed with its state, untested', async () => {
    await row('south').waitFor({ timeout: 10_000 });
    for (const id of ['south', 'cam-gate', 'yard', 'co2-1'])
      assert.match((await row(id).textContent()) ?? '', /未测试/, id);
    assert.match((await row('south').textContent()) ?? '', /在线/);
  });

  test('the gate opens once on the wire, and the installer says it moved', async () => {
    const before = turnstile.relayLog.filter((r) => r.on).length;
    assert.match(await runTest('south'), /已执行.*继电器板已驱动闸机开启/);
    await waitFor('the relay pulsed', () => turnstile.relayLog.filter((r) => r.on).length > before, 5000);
    await page.fill('[data-testid=judge] input', '南门左侧翼闸');
    await page.click('[data-testid=judge] [data-verdict=pass]');
    await row('south').locator('[data-testid=last-test]').filter({ hasText: '正常' }).waitFor({ timeout: 5000 });
    // A remote open with nobody walking through is no forced entry.
    assert.equal(c.alarms.openAlarms().filter((a) => a.type.startsWith('gate.')).length, 0);
  });

  test('the camera sends its picture, shown beside the result; the PA zone rings; the sensor reads', async () => {
    assert.match(await runTest('cam-gate'), /收到 \d+ KB 图像/);
    await page.locator('[data-testid=test-result] img').waitFor({ timeout: 5000 });
    assert.ok(
      await page.$eval('[data-testid=test-result] img', (img) => (img as HTMLImageElement).naturalWidth > 0),
      'the snapshot decodes',
    );
    await page.click('[data-testid=judge] [data-verdict=pass]');
    const packets = zone.packets.length;
    assert.match(await runTest('yard'), /操场 正在播放提示音/);
    await waitFor('the chime reached the zone', () => zone.packets.length > packets, 5000);
    await page.click('[data-testid=judge] [data-verdict=pass]');
    gw.sensors[0]!.set('co2', 655);
    await waitFor(
      'a fresh reading',
      () => c.readings.deviceLatest('co2-1', Date.now() - 1500).some((r) => r.value === 655),
      10_000,
    );
    assert.match(await runTest('co2-1'), /读数 .*co2 655/);
    await page.click('[data-testid=judge] [data-verdict=pass]');
  });

  test('a gate whose board stops answering fails its test, in the record too', async () => {
    await board.close();
    await waitFor('the gate offline', () => c.health.list().find((d) => d.id === 'south')?.health !== 'online', 15_000);
    await row('south').locator('button').click();
    await page
      .locator('[role=alert]')
      .filter({ hasText: /南门.*闸机 south 未打开/ })
      .waitFor({ timeout: 10_000 });
    const last = c.commands.recentAudit(3) as { command: string; ok: number }[];
    assert.ok(
      last.some((a) => a.command === 'device.test' && a.ok === 0),
      'audited as failed',
    );
    await board.open();
  });

  test('the commissioning record lists every test with result, verdict, who and when; it prints and exports', async () => {
    await page.click('[data-testid=open-record]');
    const rows = page.locator('[data-testid=commission-record] tbody tr');
    await waitFor('five tests', async () => (await rows.count()) === 5, 5000);
    const text = (await page.textContent('[data-testid=commission-record]')) ?? '';
    assert.match(text, /验收记录/);
    assert.match(text, /南门左侧翼闸/);
    assert.match(text, /失败/);
    assert.match(text, /installer1/);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header').isVisible(), false, 'the record prints alone');
    assert.ok(await page.locator('[data-testid=commission-record]').isVisible());
    await page.emulateMedia({ media: 'screen' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .locator('[data-testid=commission-record]')
        .locator('..')
        .locator('button', { hasText: '导出 Excel' })
        .click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.startsWith('\ufeff"时间","设备"'), csv.slice(0, 30));
    assert.equal(csv.trim().split('\r\n').length, 6);
  });

  test('a floor plan: uploaded and furnished by the installer, live for a guard, an alarm pulsing on its device', async () => {
    const png = join(t.dir, 'plan.png');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=1600x900', '-frames:v', '1', png]);
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    await page.goto(`${base}/#/maps`);
    const upload = page.locator('[data-testid=plan-upload]');
    await upload.locator('input').nth(0).fill('教学楼');
    await upload.locator('input').nth(1).fill('1F');
    await page.setInputFiles('[data-testid=plan-file]', png);
    await upload.locator('button[type=submit]').click();
    await page.locator('[data-testid=plan] img').waitFor({ timeout: 5000 });
    await page.click('[data-testid=edit-markers]');
    const img = page.locator('[data-testid=plan] img');
    const box = (await img.boundingBox())!;
    for (const [device, fx, fy] of [
      ['south', 0.25, 0.8],
      ['cam-gate', 0.3, 0.7],
      ['co2-1', 0.6, 0.4],
    ] as const) {
      await page.selectOption('[data-testid=place-device]', device);
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    }
    await page.click('[data-testid=save-markers]');
    await page.locator('[data-testid=edit-markers]').waitFor({ timeout: 5000 });
    const plan = c.plans.list()[0]!;
    assert.deepEqual(
      plan.markers.map((m) => [m.device, Math.round(m.x * 100), Math.round(m.y * 100)]),
      [
        ['cam-gate', 30, 70],
        ['co2-1', 60, 40],
        ['south', 25, 80],
      ],
    );

    const guard = await consoleLogin(
      await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage(),
      base,
      'guard1',
      PASSWORD,
    );
    // The gate's board was unplugged in an earlier test: back online, its alarm acknowledged.
    await waitFor('the gate online', () => c.health.list().find((d) => d.id === 'south')?.health === 'online', 15_000);
    for (const a of c.alarms.openAlarms()) c.alarms.acknowledge(a.id, 'user:guard1');
    await guard.goto(`${base}/#/maps`);
    const gate = guard.locator('[data-marker=south]');
    await gate.waitFor({ timeout: 5000 });
    await guard.locator('[data-marker=south][data-state=online]').waitFor({ timeout: 10_000 });
    c.alarms.raise({
      key: 'gate.forced-entry:south',
      type: 'gate.forced-entry',
      source: 'south',
      severity: 'critical',
      message: 'forced',
      data: { gate: 'south', name: '南门' },
    });
    await guard.locator('[data-marker=south][data-state=alarm].critical').waitFor({ timeout: 5000 });
    assert.match((await gate.getAttribute('aria-label')) ?? '', /南门 · 闸机 · 1 个未结束报警/);
    await guard.click('[data-marker=cam-gate]');
    await guard.waitForURL(/#\/cameras\/cam-gate$/);
    await guard.goto(`${base}/#/maps`);
    await guard.click('[data-marker=south]');
    await guard.waitForURL(/#\/alarms$/);
    assert.equal(await guard.locator('[data-testid=plan-edit]').count(), 0, 'a guard does not move devices');
    c.alarms.clear('gate.forced-entry:south');
    await guard.context().close();
  });

  test('a guard has no installer page, and the API refuses its tests', async () => {
    const res = await fetch(`http://127.0.0.1:${c.site.config.console.port}/api/commission`);
    assert.equal(res.status, 401);
    const r = await c.commands.execute(
      { name: 'device.test', args: { deviceId: 'south' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(r.code, 'command.forbidden');
  });
});
