/** The emergency button (一键报警) on a camera's digital input: latching, reset by a person only, a logged test mode. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

describe('emergency button', () => {
  const t = tempDir('button');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const cam = new OnvifCameraSim('admin', 'lodge-cam-pass');
  let c: Controller;
  let noc: NocSubscriber;
  const press = () => cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
  const release = () => cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'false' }, { InputToken: 'DI_1' });
  const latched = () => c.alarms.openAlarms().find((a) => a.key === 'emergency.button:lodge');

  before(async () => {
    await broker.start();
    await cam.start();
    writeFileSync(join(t.dir, 'cam.pw'), 'lodge-cam-pass\n', { mode: 0o600 });
    noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-button');
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: broker.url, reconnect_s: 0.3 },
        video: {
          cameras: [
            {
              id: 'cam-lodge',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
              pull_timeout_s: 2,
              arming: { 'digital-input': 'never' },
            },
          ],
        },
        emergency_buttons: [
          { id: 'lodge', name: '门卫室一键报警', camera: 'cam-lodge', input: 'DI_1' },
          // The same camera model from another vendor: Hikvision names its alarm inputs AlarmIn_n.
          { id: 'gate', name: '校门一键报警', camera: 'cam-lodge', input: 'AlarmIn_1' },
        ],
      }),
    );
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 15_000);
  });
  after(async () => {
    await c?.stop();
    await noc?.close();
    await cam.stop();
    await broker.stop();
    t.remove();
  });

  test('a press latches a critical alarm, whatever the arming, and it reaches the NOC', async () => {
    const t0 = Date.now();
    press();
    await waitFor('the latched alarm', () => latched(), 5000, 20);
    await waitFor(
      'the alarm at the NOC',
      () => noc.envelopes('/alarms').some((e) => (e.data.alarm as { key: string }).key === 'emergency.button:lodge'),
      5000,
      20,
    );
    console.log(`# emergency button press to alarm at the NOC: ${Date.now() - t0} ms`);
    release();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(latched()?.active, true, 'releasing the button does not clear it');
  });

  test('only a person can reset it: the district cannot', async () => {
    const district = await c.commands.execute(
      { name: 'emergency.reset', args: { buttonId: 'lodge' } },
      { kind: 'district', name: 'noc' },
    );
    assert.match(district.error!, /not accepted from district/);
    const guard = await c.commands.execute(
      { name: 'emergency.reset', args: { buttonId: 'lodge' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(guard.ok, true, guard.error);
    assert.equal(latched(), undefined, 'reset clears and acknowledges it');
  });

  test("a Hikvision camera's alarm input (tnshik:AlarmIn, AlarmInToken) is a button too", async () => {
    const gate = () => c.alarms.openAlarms().find((a) => a.key === 'emergency.button:gate');
    cam.emit('tns1:Device/Trigger/tnshik:AlarmIn', { State: 'true' }, { AlarmInToken: 'AlarmIn_1' });
    await waitFor('the gate button latched', () => gate(), 5000, 20);
    assert.equal(latched(), undefined, 'only the button wired to that input');
    cam.emit('tns1:Device/Trigger/tnshik:AlarmIn', { State: 'false' }, { AlarmInToken: 'AlarmIn_1' });
    const reset = await c.commands.execute(
      { name: 'emergency.reset', args: { buttonId: 'gate' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(reset.ok, true, reset.error);
  });

  test('in test mode a press is logged as a test and raises no alarm', async () => {
    const r = await c.commands.execute(
      { name: 'emergency.test-mode', args: { buttonId: 'lodge', minutes: 10 } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(r.ok, true, r.error);
    press();
    await waitFor(
      'the test press logged',
      () => c.pipeline.log.search({ type: 'emergency.test-press', limit: 1 }).length === 1,
      5000,
      20,
    );
    release();
    assert.equal(latched(), undefined);
  });
});
