/**
 * Linkage rules against real parts: an intrusion on a PTZ camera (the ONVIF simulator) sets off a
 * rule that turns the camera to a preset, pops the alarm up on a guard's console (Chromium),
 * speaks to a PA zone, sounds a siren on a Modbus relay module (pymodbus, read back with a
 * client of its own) and tells the district. One step's relay module is gone: that step fails
 * with its reason and the steps after it still run.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser } from './lib/browser.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { pymodbus } from './lib/pymodbus.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';

interface Step {
  rule: string;
  step: number;
  do: string;
  ok: boolean;
  detail: string;
  ms: number;
}

describe('linkage rules on a raised alarm', () => {
  const t = tempDir('linkage');
  const cam = new OnvifCameraSim('admin', 'lk-pass');
  const zone = new PaEndpointSim();
  let relays: ChildProcess;
  let relayPort = 0;
  let c: Controller | undefined;
  const coil = async () => {
    const client = new (ModbusSerial as unknown as new () => ModbusRTU)();
    await client.connectTCP('127.0.0.1', { port: relayPort });
    client.setID(1);
    try {
      return (await client.readCoils(0, 1)).data[0];
    } finally {
      client.close(() => {});
    }
  };

  before(async () => {
    relayPort = await freePort();
    relays = await pymodbus('tcp', `127.0.0.1:${relayPort}`, { 1: { co: { 0: 0, 1: 0 } } });
    await cam.start();
    await zone.start();
    writeFileSync(join(t.dir, 'cam.pw'), 'lk-pass\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [
          { id: 'relays', type: 'modbus-tcp', host: '127.0.0.1', port: relayPort, timeout_ms: 500 },
          { id: 'gone', type: 'modbus-tcp', host: '127.0.0.1', port: await freePort(), timeout_ms: 300 },
        ],
        video: {
          cameras: [
            {
              id: 'cam-yard',
              name: '操场',
              location: '操场',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
              pull_timeout_s: 2,
            },
          ],
        },
        pa: { zones: [{ id: 'yard', name: '操场', address: `127.0.0.1:${zone.port}` }] },
        outputs: [
          { id: 'siren-yard', name: '操场警号', kind: 'siren', bus: 'relays', address: 1, coil: 0 },
          { id: 'strobe-gate', name: '校门爆闪灯', kind: 'strobe', bus: 'gone', address: 1, coil: 0 },
        ],
        linkage: {
          rules: [
            {
              id: 'yard-intrusion',
              name: '操场入侵',
              when: {
                kind: ['camera.intrusion'],
                places: ['操场'],
                during: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' }],
              },
              steps: [
                { do: 'camera.preset', camera: 'cam-yard', preset: '2' },
                { do: 'popup' },
                { do: 'output', output: 'strobe-gate', seconds: 5, timeout_s: 3 },
                { do: 'output', output: 'siren-yard', seconds: 2 },
                { do: 'pa.message', zones: ['yard'], text: '操场有人闯入，请保安前往' },
                { do: 'notify.district' },
              ],
            },
          ],
        },
      }),
    );
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 20_000);
  });
  after(async () => {
    await c?.stop();
    await cam.stop();
    zone.stop();
    relays?.kill();
    t.remove();
  });

  const alarm = () => c!.alarms.openAlarms().find((a) => a.type === 'camera.intrusion');
  const timeline = () => (alarm()?.data.timeline ?? []) as Step[];

  test('the steps run in order, each with its result on the alarm; a dead relay module fails alone', async () => {
    cam.emit('RuleEngine/FieldDetector/ObjectsInside', { IsInside: 'true' }, { Rule: 'Fence' });
    await waitFor('the siren on', async () => (await coil()) === true, 10_000, 100);
    await waitFor(
      'every step done',
      () => timeline().filter((s) => s.rule === 'yard-intrusion').length === 6,
      20_000,
      100,
    );
    const mine = timeline().filter((s) => s.rule === 'yard-intrusion');
    assert.deepEqual(
      mine.map((s) => `${s.step} ${s.do} ${s.ok}`),
      [
        '1 camera.preset true',
        '2 popup true',
        '3 output false',
        '4 output true',
        '5 pa.message true',
        '6 notify.district true',
      ],
    );
    assert.match(mine[2]!.detail, /校门爆闪灯|no result within 3 s/, 'the dead module says why');
    assert.ok(mine[2]!.ms < 4000, 'and within its time limit');
    assert.equal(cam.ptz.at(-1)?.action, 'GotoPreset');
    assert.equal(String(cam.ptz.at(-1)?.detail.PresetToken ?? cam.ptz.at(-1)?.detail.presetToken), '2');
    // The shipped intrusion rule ran too: its own pop-up.
    assert.ok(timeline().some((s) => s.rule === 'intrusion' && s.do === 'popup' && s.ok));
    await waitFor('the siren off again after 2 s', async () => (await coil()) === false, 6000, 200);
    await waitFor('the PA zone spoke', () => zone.streams().length > 0 && zone.streams()[0]!.packets > 25, 20_000, 200);
    assert.ok((await zone.meanVolumeDb(zone.streams()[0]!.ssrc)) > -45, 'speech, not silence');
    const notice = c!.pipeline.log.search({ type: 'linkage.notice', limit: 5 });
    assert.equal(notice.length, 1);
    assert.equal(notice[0]!.data.rule, 'yard-intrusion');
    const steps = c!.pipeline.log.search({ type: 'linkage.step', limit: 20 });
    assert.equal(steps.filter((s) => s.data.rule === 'yard-intrusion').length, 6, 'each step is a record too');
    const audit = c!.pipeline.log
      .search({ type: 'command.result', limit: 50 })
      .filter((r) => String((r.data.actor as { name: string }).name).startsWith('linkage:'));
    assert.ok(audit.length >= 4, 'the steps are commands, audited as the rule');
    console.log(`# steps: ${mine.map((s) => `${s.do} ${s.ms} ms`).join(', ')}`);
  });

  test('the pop-up comes over the page a guard is on, and goes when the alarm is acknowledged', async () => {
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    await asConsoleUser(
      base,
      c!.users,
      { name: 'guard1', role: 'guard', password: 'guard-pass-123' },
      '#/environment',
      async (page) => {
        const popup = page.locator('[data-testid=alarm-popup]');
        await popup.waitFor();
        assert.equal(await popup.getAttribute('role'), 'alertdialog');
        assert.match(String(await popup.textContent()), /操场/);
        const items = page.locator('[data-testid=alarm-timeline] li');
        await page.click('[data-testid=popup-close]');
        await popup.waitFor({ state: 'detached' });
        await page.goto(`${base}/#/alarms`);
        await items.first().waitFor();
        assert.match(
          String(await page.locator('[data-testid=alarm-timeline]').first().textContent()),
          /✗ 联动 · 操场入侵 · 报警输出/,
        );
        await page.reload();
        await popup.waitFor();
        await page.click('[data-testid=popup-ack]');
        await popup.waitFor({ state: 'detached' });
      },
    );
    assert.ok(alarm()?.ackedAt, 'acknowledged from the pop-up');
  });
});
