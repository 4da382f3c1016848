import { join } from 'node:path';
import type { Envelope } from '../controller/uplink/envelope.ts';
import { consoleLogin, launchChromium } from '../hil-tests/lib/browser.ts';
import { startGstRtspServer } from '../hil-tests/lib/gst-rtsp.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { NocSubscriber } from '../hil-tests/lib/noc-subscriber.ts';
import { freePort, waitFor } from '../hil-tests/lib/ports.ts';
import { simCamera, startController, tempDir, topicRoot, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { BaresipCentre } from '../hil-tests/sim/baresip-centre.ts';
import { OnvifCameraSim } from '../hil-tests/sim/onvif-camera-sim.ts';
import { summary } from './stats.ts';

const BUTTONS = 10;

export async function emergencyPress(presses: number) {
  const t = tempDir('bench-press');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const centre = new BaresipCentre(join(t.dir, 'centre'));
  const cam = new OnvifCameraSim('admin', 'bp-pass');
  const rtsp = await startGstRtspServer();
  await broker.start();
  await centre.start();
  cam.rtspUrl = rtsp.url('/intercom');
  await cam.start();
  const c = await startController(
    await writeSite(t.dir, {
      uplink: { url: broker.url, reconnect_s: 0.5 },
      video: {
        cameras: [simCamera(t.dir, 'cam-gate', cam, { pull_timeout_s: 5 })],
      },
      alarm_centre: { uri: centre.uri, sip_port: await freePort(), local_host: '127.0.0.1' },
      emergency_buttons: Array.from({ length: BUTTONS + presses }, (_, i) => ({
        id: `b${i}`,
        name: `按钮${i}`,
        camera: 'cam-gate',
        input: `DI_${i}`,
        // The single presses call the centre; the ten at once are about alarms.
        ...(i < presses ? { talkback: { microphone: 'cam-gate' } } : {}),
      })),
    }),
  );
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/alarms`).connect('noc-bench-press');
  const browser = await launchChromium();
  const raisedAt = (key: string) =>
    noc.messages.find((m) => {
      const e = m.payload as Envelope;
      return e.type === 'alarm.raised' && (e.data.alarm as { key: string }).key === key;
    });
  try {
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 20_000);
    await waitFor(
      'the station microphone open',
      () => {
        const s = c.status().features as { talkback: { microphones: Record<string, string> } };
        return s.talkback.microphones['cam-gate'] === 'open';
      },
      20_000,
    );
    await c.users.add('guard1', 'guard', 'guard-pass-123');
    const page = await consoleLogin(
      await browser.newPage(),
      `http://127.0.0.1:${c.site.config.console.port}`,
      'guard1',
      'guard-pass-123',
    );
    const toDistrict: number[] = [];
    const toPopup: number[] = [];
    const toAudio: number[] = [];
    for (let i = 0; i < presses; i++) {
      const key = `emergency.button:b${i}`;
      const heardBefore = centre.log.split('incoming rtp for').length;
      const popup = page
        .waitForSelector(`[data-testid=alarm-popup][data-alarm="${key}"]`, { timeout: 10_000 })
        .then(() => Date.now());
      const audio = waitFor(
        'the centre hearing the station',
        () => centre.log.split('incoming rtp for').length > heardBefore,
        10_000,
        2,
      ).then(() => Date.now());
      const at = Date.now();
      cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: `DI_${i}` });
      await waitFor('the alarm at the district', () => raisedAt(key) !== undefined, 10_000, 2);
      toDistrict.push(raisedAt(key)!.at - at);
      toPopup.push((await popup) - at);
      toAudio.push((await audio) - at);
      await centre.hangUp();
      // Out of the way of the next one: the guard closes the pop-up here.
      await page.click('[data-testid=popup-close]');
      await new Promise((r) => setTimeout(r, 500));
    }

    // Ten at once.
    const keys = Array.from({ length: BUTTONS }, (_, i) => `emergency.button:b${presses + i}`);
    const at = Date.now();
    for (let i = 0; i < BUTTONS; i++)
      cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: `DI_${presses + i}` });
    await waitFor('ten alarms at the district', () => keys.every((k) => raisedAt(k)), 20_000, 5);
    const arrivals = keys.map((k) => raisedAt(k)!);
    const seqs = arrivals.map((m) => (m.payload as Envelope).seq);
    const received = [...noc.messages].filter(
      (m) =>
        keys.includes(((m.payload as Envelope).data.alarm as { key: string }).key) &&
        (m.payload as Envelope).type === 'alarm.raised',
    );
    const inOrder = received.every(
      (m, i) => i === 0 || (m.payload as Envelope).seq > (received[i - 1]!.payload as Envelope).seq,
    );
    return {
      toDistrict: summary(toDistrict),
      toPopup: summary(toPopup),
      toAudio: summary(toAudio),
      ten: {
        lastMs: Math.max(...arrivals.map((m) => m.at)) - at,
        arrived: new Set(arrivals.map((m) => (m.payload as Envelope).id)).size,
        inOrder,
        seqs,
        open: c.alarms.openAlarms().filter((a) => keys.includes(a.key)).length,
      },
    };
  } finally {
    await browser.close();
    await noc.close();
    await c.stop();
    await centre.stop();
    await cam.stop();
    rtsp.stop();
    await broker.stop();
    t.remove();
  }
}
