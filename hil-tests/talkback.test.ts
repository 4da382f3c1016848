/**
 * Talk-back to the police alarm centre: an emergency press calls baresip (the centre's desk)
 * over SIP. The station is GStreamer's RTSP server as an intercom whose microphone hears a 1 kHz
 * tone; the centre speaks 440 Hz. The centre must hear 1 kHz, and the station's speaker and the
 * PA zone must play 440 Hz. A centre that cannot be reached is called again, and each failed
 * call is said so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser, closePopups } from './lib/browser.ts';
import { startGstRtspServer } from './lib/gst-rtsp.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { simCamera, startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { BaresipCentre, wavVolumeDb } from './sim/baresip-centre.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';

describe('talk-back from an emergency button to the alarm centre', () => {
  const t = tempDir('talkback');
  const centre = new BaresipCentre(join(t.dir, 'centre'));
  const cam = new OnvifCameraSim('admin', 'tb-pass');
  const speaker = new PaEndpointSim();
  const zone = new PaEndpointSim();
  let rtsp: Awaited<ReturnType<typeof startGstRtspServer>>;
  let c: Controller | undefined;

  before(async () => {
    rtsp = await startGstRtspServer();
    cam.rtspUrl = rtsp.url('/intercom');
    await cam.start();
    await speaker.start();
    await zone.start();
    await centre.start();
    const station = { microphone: 'cam-gate', speaker: { address: `127.0.0.1:${speaker.port}` }, pa_zones: ['lodge'] };
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        video: {
          cameras: [simCamera(t.dir, 'cam-gate', cam)],
        },
        pa: { zones: [{ id: 'lodge', name: '门卫室', address: `127.0.0.1:${zone.port}` }] },
        alarm_centre: {
          uri: centre.uri,
          sip_port: await freePort(),
          local_host: '127.0.0.1',
          ring_timeout_s: 5,
          attempts: 2,
          redial_s: 1,
        },
        emergency_buttons: [
          { id: 'lodge', name: '门卫室一键报警', camera: 'cam-gate', input: 'DI_1', talkback: station },
          { id: 'gate', name: '南门一键报警', camera: 'cam-gate', input: 'DI_2', talkback: station },
          { id: 'hall', name: '大厅一键报警', camera: 'cam-gate', input: 'DI_4', talkback: station },
        ],
      }),
    );
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 20_000);
    await waitFor(
      'the station microphone open',
      () => {
        const s = c!.status().features as { talkback: { microphones: Record<string, string> } };
        return s.talkback.microphones['cam-gate'] === 'open';
      },
      20_000,
    );
  });
  after(async () => {
    await c?.stop();
    await centre.stop();
    await cam.stop();
    speaker.stop();
    zone.stop();
    rtsp?.stop();
    t.remove();
  });

  const calls = (button: string) =>
    c!.pipeline.log
      .search({ type: 'talkback.call', limit: 50 })
      .filter((r) => r.data.button === button)
      .reverse();

  test('a press calls the centre: each side hears the other, and the call is on the alarm', async () => {
    const pressAt = Date.now();
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
    await waitFor('the centre answered', () => calls('lodge').some((r) => r.data.state === 'answered'), 10_000, 50);
    await new Promise((r) => setTimeout(r, 4000));
    await centre.hangUp();
    await waitFor('the call ended', () => calls('lodge').some((r) => r.data.state === 'ended'), 10_000, 100);
    const ended = calls('lodge').find((r) => r.data.state === 'ended')!.data;
    assert.equal(ended.reason, 'the centre hung up');
    assert.ok(Number(ended.answerMs) < 2000, `answered ${ended.answerMs} ms after the press`);
    assert.ok(
      Number(ended.firstAudioMs) < 2000,
      `the centre first heard the station ${ended.firstAudioMs} ms after the press`,
    );
    assert.ok(Number(ended.sent) > 150, `${ended.sent} packets to the centre`);
    assert.ok(Number(ended.heard) > 150, `${ended.heard} packets from the centre`);

    // What the centre heard is the station's microphone: its 1 kHz, not the centre's own 440 Hz.
    const [wav] = centre.heard();
    assert.ok(wav, 'baresip kept what it heard');
    const at1k = wavVolumeDb(wav!, 1000);
    const at440 = wavVolumeDb(wav!, 440);
    assert.ok(at1k > -40 && at1k > at440 + 12, `the centre heard 1 kHz at ${at1k} dB, 440 Hz at ${at440} dB`);

    // The station's speaker and the PA zone play the centre's voice: 440 Hz.
    const [fromCentre] = speaker.streams();
    assert.ok(fromCentre && fromCentre.packets > 150, 'the speaker got the call');
    const s440 = await speaker.meanVolumeDb(fromCentre!.ssrc, 440);
    const s1k = await speaker.meanVolumeDb(fromCentre!.ssrc, 1000);
    assert.ok(s440 > -40 && s440 > s1k + 12, `the speaker played 440 Hz at ${s440} dB, 1 kHz at ${s1k} dB`);
    assert.equal(ended.pa, 'playing');
    const [onPa] = zone.streams();
    assert.ok(onPa, 'the PA zone played the centre');
    assert.ok((await zone.meanVolumeDb(onPa!.ssrc, 440)) > -40);

    const alarm = c!.alarms.openAlarms().find((a) => a.key === 'emergency.button:lodge')!;
    const onAlarm = (alarm.data.calls as { ok: boolean; reason: string; codec: string; state: string }[]).filter(
      (x) => x.state === 'ended',
    );
    assert.equal(onAlarm.length, 1, 'the call, answered then ended');
    assert.equal(onAlarm[0]!.ok, true);
    assert.ok(['PCMA', 'PCMU'].includes(onAlarm[0]!.codec));
    console.log(
      `# press at ${new Date(pressAt).toISOString()}: answered in ${ended.answerMs} ms, first audio at the centre ${ended.firstAudioMs} ms after the press, ${ended.codec}, ${ended.sent} packets out, ${ended.heard} in; centre heard 1 kHz at ${at1k} dB; speaker 440 Hz at ${s440} dB`,
    );
  });

  test('a guard ends a call from the console; the record says who', async () => {
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_4' });
    await waitFor('the centre answered', () => calls('hall').some((r) => r.data.state === 'answered'), 10_000, 50);
    await asConsoleUser(
      base,
      c!.users,
      { name: 'guard0', role: 'guard', password: 'guard-pass-123' },
      '#/alarms',
      async (page) => {
        await closePopups(page);
        const row = page.locator('tr[data-alarm="emergency.button:hall"] [data-testid=alarm-calls]').first();
        await row.locator('li[data-state=answered]').waitFor();
        assert.match(String(await row.textContent()), /正在与报警中心通话/);
        await row.locator('[data-testid=call-hangup]').click();
        await row.locator('li[data-state=ended]').waitFor();
      },
    );
    const ended = calls('hall').find((r) => r.data.state === 'ended')!;
    assert.equal(ended.data.reason, 'ended by user:guard0');
  });

  test('a centre that cannot be reached is called again, and every failed call is said so', async () => {
    await centre.stop();
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_2' });
    await waitFor(
      'two calls failed',
      () => calls('gate').filter((r) => r.data.state === 'failed').length === 2,
      20_000,
      200,
    );
    const failed = calls('gate').filter((r) => r.data.state === 'failed');
    assert.deepEqual(
      failed.map((r) => r.data.attempt),
      [1, 2],
    );
    for (const f of failed) {
      assert.equal(f.severity, 'major');
      assert.match(String(f.data.detail), /no answer/);
    }
    assert.ok(!calls('gate').some((r) => r.data.state === 'answered'));
    const alarm = c!.alarms.openAlarms().find((a) => a.key === 'emergency.button:gate')!;
    assert.deepEqual(
      (alarm.data.calls as { ok: boolean }[]).map((x) => x.ok),
      [false, false],
    );
  });

  test("a guard sees each call on the alarm, in the guard's language", async () => {
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    await asConsoleUser(
      base,
      c!.users,
      { name: 'guard1', role: 'guard', password: 'guard-pass-123' },
      '#/alarms',
      async (page) => {
        const row = (key: string) => page.locator(`tr[data-alarm="${key}"] [data-testid=alarm-calls]`).first();
        await row('emergency.button:lodge').waitFor();
        assert.match(
          String(await row('emergency.button:lodge').textContent()),
          /报警中心 \d+ 毫秒接听，通话 [\d.]+ 秒/,
        );
        const failed = String(await row('emergency.button:gate').textContent());
        assert.match(failed, /未接通报警中心（第 1 次/);
        assert.match(failed, /第 2 次/);
      },
    );
  });
});
