/**
 * Live-view latency from frame out to frame in the browser: the simulated
 * camera notes when each frame's first RTP packet leaves; Chromium's
 * requestVideoFrameCallback reports when each frame is presented and its
 * media time, which maps back to the RTP timestamp (90 kHz) from the first
 * packet the controller's ffmpeg received.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleLogin, launchChromium } from '../hil-tests/lib/browser.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { waitFor } from '../hil-tests/lib/ports.ts';
import { startController, tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { OnvifCameraSim } from '../hil-tests/sim/onvif-camera-sim.ts';
import { RtspTestStream } from '../hil-tests/sim/rtsp-test-stream.ts';
import { summary } from './stats.ts';

export async function liveLatency(seconds: number) {
  const t = tempDir('bench-latency');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const rtsp = new RtspTestStream(t.dir, '1280x720');
  await rtsp.start();
  const cam = new OnvifCameraSim('admin', 'cam-pass-123');
  cam.rtspUrl = rtsp.url;
  await cam.start();
  writeFileSync(join(t.dir, 'cam.pw'), 'cam-pass-123\n', { mode: 0o600 });
  const c = await startController(
    await writeSite(t.dir, {
      uplink: { url: broker.url },
      video: {
        cameras: [
          {
            id: 'cam',
            host: '127.0.0.1',
            port: cam.port,
            username: 'admin',
            password_file: 'cam.pw',
            pull_timeout_s: 5,
          },
        ],
      },
    }),
  );
  await c.users.add('viewer1', 'viewer', 'viewer-password-1');
  const browser = await launchChromium();
  try {
    await waitFor('the camera', () => c.health.list().some((d) => d.id === 'cam' && d.health === 'online'), 15_000);
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    const page = await consoleLogin(await browser.newPage(), base, 'viewer1', 'viewer-password-1');
    await page.goto(`${base}/#/cameras/cam`);
    const video = page.locator('[data-testid=live-video]');
    await waitFor(
      'playback',
      async () => (await video.evaluate((v: HTMLVideoElement) => v.currentTime)) > 2,
      30_000,
      250,
    );
    // A string, not a function: the TypeScript loader would wrap a function's names in helpers the page lacks.
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const v = document.querySelector('[data-testid=live-video]');
      const out = [];
      const cb = (now, meta) => { out.push({ mediaTime: meta.mediaTime, presented: performance.timeOrigin + meta.presentationTime }); v.requestVideoFrameCallback(cb); };
      v.requestVideoFrameCallback(cb);
      setTimeout(() => resolve(out), ${seconds * 1000});
    })`)) as { mediaTime: number; presented: number }[];
    const first = [...rtsp.firstTimestamp.values()][0]!;
    const latencies = frames.flatMap((f) => {
      const sent = rtsp.frameSentAt.get((first + Math.round(f.mediaTime * 90_000)) >>> 0);
      return sent === undefined ? [] : [f.presented - sent];
    });
    return { frames: frames.length, matched: latencies.length, ...summary(latencies) };
  } finally {
    await browser.close();
    await c.stop();
    await cam.stop();
    await rtsp.stop();
    await broker.stop();
    t.remove();
  }
}
