/**
 * Pre-alarm video: an emergency button linked to two cameras. Each camera's stream carries its
 * frame number in its pictures; the clips a press cuts are read back by ffmpeg and ffprobe, and
 * the first picture of each must be from 30 s before the press, within one GOP (1 s here).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser, closePopups } from './lib/browser.ts';
import { probeVideo } from './lib/ffprobe.ts';
import { waitFor } from './lib/ports.ts';
import { simCamera, startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { RtspTestStream } from './sim/rtsp-test-stream.ts';

const BEFORE_S = 30;
const AFTER_S = 4;
const FRAME_MS = 40;

/** The frame number a picture carries: 12 blocks along its top, bit 0 first. */
function frameNumbers(file: string, input: string[], output: string[] = []): number[] {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      ...input,
      '-i',
      file,
      ...output,
      '-vf',
      'crop=480:40:0:0,scale=12:1:flags=area',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { maxBuffer: 1 << 24 },
  );
  const out: number[] = [];
  for (let i = 0; i + 12 <= raw.length; i += 12)
    out.push([...raw.subarray(i, i + 12)].reduce((n, v, b) => n + (v > 128 ? 1 << b : 0), 0));
  return out;
}

describe('pre-alarm video for an emergency button', () => {
  const t = tempDir('prealarm');
  const streams = [
    new RtspTestStream(t.dir, '640x360', 'h264', 'frame-number'),
    new RtspTestStream(t.dir, '640x360', 'h264', 'frame-number'),
  ];
  const cams = [new OnvifCameraSim('admin', 'pre-pass'), new OnvifCameraSim('admin', 'pre-pass')];
  let c: Controller | undefined;
  const clipDurations = new Map<string, number>();

  before(async () => {
    for (const [i, s] of streams.entries()) {
      await s.start();
      cams[i]!.rtspUrl = s.url;
      await cams[i]!.start();
    }
  });
  after(async () => {
    await c?.stop();
    for (const cam of cams) await cam.stop();
    for (const s of streams) await s.stop();
    t.remove();
  });

  test('a press cuts a clip from each linked camera, from 30 s before it, stored and recorded with its hash', async () => {
    const camera = (id: string, i: number) => simCamera(t.dir, id, cams[i]!);
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        video: {
          prealarm: { before_s: BEFORE_S, after_s: AFTER_S },
          cameras: [camera('cam-gate', 0), camera('cam-yard', 1)],
        },
        emergency_buttons: [
          { id: 'lodge', name: '门卫室一键报警', camera: 'cam-gate', input: 'DI_1', cameras: ['cam-gate', 'cam-yard'] },
        ],
      }),
    );
    const ring = (cam: string) => join(c!.site.dataDir, 'prealarm', cam);
    const segments = (cam: string) => {
      try {
        return readdirSync(ring(cam)).filter((f) => f.endsWith('.ts')).length;
      } catch {
        return 0;
      }
    };
    await waitFor('the camera subscribed', () => cams[0]!.activeSubscriptions === 1, 20_000);
    // Enough buffered on both cameras to reach 30 s back (segments of about a second).
    await waitFor(
      '30 s buffered',
      () => segments('cam-gate') > BEFORE_S + 2 && segments('cam-yard') > BEFORE_S + 2,
      60_000,
      500,
    );
    const pressAt = Date.now();
    cams[0]!.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
    const clips = () => c!.pipeline.log.search({ type: 'alarm.clip', limit: 10 });
    await waitFor('a clip from each linked camera', () => clips().length === 2, (AFTER_S + 15) * 1000, 200);

    for (const r of clips()) {
      const i = r.data.camera === 'cam-gate' ? 0 : 1;
      assert.equal(r.data.ok, true, String(r.data.detail));
      assert.equal(r.data.alarm, 'emergency.button:lodge');
      const file = join(c!.site.dataDir, 'clips', String(r.data.file));
      const bytes = readFileSync(file);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), r.data.sha256, 'the recorded SHA-256 is the file');
      const { codec, frames, durationS: duration } = probeVideo(file);
      assert.equal(codec, 'h264');
      // The pictures carry the camera's own frame numbers: when each left the camera, by the camera's clock.
      const t0 = streams[i]!.firstPacketAt!;
      const [first] = frameNumbers(file, [], ['-frames:v', '1']);
      const last = frameNumbers(file, ['-sseof', '-0.5']).at(-1)!;
      const firstAt = t0 + first! * FRAME_MS;
      const lastAt = t0 + last * FRAME_MS;
      const early = pressAt - BEFORE_S * 1000 - firstAt;
      assert.ok(
        early >= -400 && early <= 1000 + 400,
        `${r.data.camera}: the clip starts ${early} ms before 30 s ahead of the press (one GOP is 1000 ms)`,
      );
      assert.ok(
        lastAt >= pressAt + (AFTER_S - 1) * 1000,
        `${r.data.camera}: the clip runs ${lastAt - pressAt} ms past the press`,
      );
      assert.equal(frames, last - first! + 1, `${r.data.camera}: every picture between, none lost or doubled`);
      assert.ok(Math.abs(duration - Number(r.data.durationS)) < 0.1);
      clipDurations.set(String(r.data.file), Number(r.data.durationS));
      console.log(
        `# ${r.data.camera}: clip from ${((pressAt - firstAt) / 1000).toFixed(2)} s before the press to ${((lastAt - pressAt) / 1000).toFixed(2)} s after, ${frames} pictures, ${(bytes.length / 1024).toFixed(0)} KB`,
      );
    }
  });

  test('the alarm lists its clips, and a guard plays each one in the console', async () => {
    await waitFor(
      'the clips on the alarm',
      () => (c!.alarms.openAlarms()[0]?.data.clips as unknown[])?.length === 2,
      5000,
    );
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    await asConsoleUser(
      base,
      c!.users,
      { name: 'guard1', role: 'guard', password: 'guard-pass-123' },
      '#/alarms',
      async (page) => {
        // The press popped up (the shipped rule): closed here, the guard works the list.
        await closePopups(page);
        // The open alarms' list comes first; the history below lists the same alarm again.
        const list = page.locator('[data-testid=alarm-clips]').first();
        const buttons = list.locator('button');
        await buttons.first().waitFor();
        assert.equal(await buttons.count(), 2);
        for (let i = 0; i < 2; i++) {
          await buttons.nth(i).click();
          const video = list.locator('[data-testid=alarm-clip-video]');
          // Decoded and playing in Chromium: time moves on.
          await page.waitForFunction(
            () => {
              const v = document.querySelector<HTMLVideoElement>('[data-testid=alarm-clip-video]');
              return v !== null && v.readyState >= 2 && v.currentTime > 0.5;
            },
            undefined,
            { timeout: 15_000 },
          );
          const { src, duration } = await video.evaluate((v: HTMLVideoElement) => ({
            src: v.currentSrc,
            duration: v.duration,
          }));
          const file = decodeURIComponent(new URL(src).pathname.replace('/api/clips/', ''));
          assert.ok(Math.abs(duration - clipDurations.get(file)!) < 0.2, `${file}: ${duration} s in the browser`);
          // Seeking asks for byte ranges: the server answers with the part asked for.
          const part = await page.evaluate(async (u) => {
            const r = await fetch(u, { headers: { range: 'bytes=100-199' } });
            return {
              status: r.status,
              range: r.headers.get('content-range'),
              bytes: (await r.arrayBuffer()).byteLength,
            };
          }, src);
          assert.equal(part.status, 206);
          assert.match(String(part.range), /^bytes 100-199\/\d+$/);
          assert.equal(part.bytes, 100);
          await buttons.nth(i).click();
        }
      },
    );
    const anon = await fetch(`${base}/api/clips/${[...clipDurations.keys()][0]}`);
    assert.equal(anon.status, 401, 'no session, no clip');
    const outside = await fetch(`${base}/api/clips/..%2f..%2fsite.yaml`);
    assert.ok(outside.status === 401 || outside.status === 404);
  });
});
