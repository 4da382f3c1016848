/**
 * Live video to a GB/T 28181 platform: sipp plays the platform (INVITE with its SDP, ACK, BYE),
 * GStreamer's RTSP server plays the camera (H.264 with B-frames), and what the platform receives
 * over RTP is judged by ffprobe and GStreamer's mpegpsdemux: MPEG-PS, payload type 96, the SSRC
 * of the platform's y= line, every picture decodable.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { probeVideo } from './lib/ffprobe.ts';
import { startGstRtspServer } from './lib/gst-rtsp.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { GATEWAY_ID as GATEWAY, gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { platformScenario, SippPlatform } from './sim/sipp-platform.ts';

const CHANNEL = '34020000001320000001';

describe('GB/T 28181 live video: PS over RTP from an RTSP camera to sipp', () => {
  const t = tempDir('gb-media');
  const cam = new OnvifCameraSim('admin', 'media-cam-pass');
  let rtsp: Awaited<ReturnType<typeof startGstRtspServer>>;
  let c: Controller | undefined;
  let sipp: SippPlatform;

  before(async () => {
    rtsp = await startGstRtspServer();
    cam.rtspUrl = rtsp.url('/h264b');
    await cam.start();
  });
  after(async () => {
    await c?.stop();
    sipp?.stop();
    await cam.stop();
    rtsp?.stop();
    t.remove();
  });

  test('an INVITE for a camera channel gets PS over UDP with its SSRC; BYE stops it', async () => {
    const rtp = createSocket('udp4');
    const packets: Buffer[] = [];
    rtp.on('message', (m) => packets.push(m));
    await new Promise<void>((r) => rtp.bind(0, '127.0.0.1', r));
    const sdp = [
      'v=0',
      'o=34020000002000000001 0 0 IN IP4 127.0.0.1',
      's=Play',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=video ${rtp.address().port} RTP/AVP 96 98 97`,
      'a=recvonly',
      'a=rtpmap:96 PS/90000',
      'a=rtpmap:98 H264/90000',
      'y=0100000001',
    ].join('\n');
    const port = await freePort();
    sipp = new SippPlatform(t.dir, port);
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'gb-media-secret',
        realm: '3402000000',
        date: '2026-12-01T08:00:00',
        expires: 3600,
        invite: { channel: CHANNEL, sdp, afterMs: 3000, holdMs: 6000 },
      }),
    );
    writeFileSync(join(t.dir, 'cam.pw'), 'media-cam-pass\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        video: {
          cameras: [
            {
              id: 'cam-gate',
              name: '校门',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
            },
          ],
        },
        gb28181: await gbSection(t.dir, [
          {
            id: 'province',
            port,
            password: 'gb-media-secret',
            expires_s: 3600,
            keepalive_s: 30,
            channels: { 'cam-gate': CHANNEL },
          },
        ]),
      }),
    );
    const gw = c.gb28181!;
    await waitFor('the call up', () => gw.live.calls.size === 1, 20_000);
    await waitFor('RTP arriving', () => packets.length > 0, 15_000, 20);
    await waitFor('the BYE', () => gw.live.calls.size === 0, 20_000);
    const count = packets.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(packets.length, count, 'nothing sent after the BYE');
    const rtpPort = rtp.address().port;
    rtp.close();

    assert.ok(
      packets.every((p) => p[0] === 0x80 && (p[1]! & 0x7f) === 96),
      'RTP version 2, payload type 96',
    );
    assert.ok(
      packets.every((p) => p.readUInt32BE(8) === 100000001),
      'the SSRC of the y= line',
    );
    const seqs = packets.map((p) => p.readUInt16BE(2));
    assert.ok(
      seqs.every((s, i) => i === 0 || s === ((seqs[i - 1]! + 1) & 0xffff)),
      'sequence numbers in order',
    );
    const ps = Buffer.concat(packets.map((p) => p.subarray(12)));
    assert.deepEqual([...ps.subarray(0, 4)], [0, 0, 1, 0xba], 'the stream starts with a pack');
    assert.deepEqual(
      [...ps.subarray(ps.indexOf(Buffer.from([0, 0, 1, 0xbb])) - 14, ps.indexOf(Buffer.from([0, 0, 1, 0xbb])) - 10)],
      [0, 0, 1, 0xba],
      'at a keyframe: a system header right after the pack header',
    );
    const file = join(t.dir, 'platform.ps');
    writeFileSync(file, ps);
    const { codec, frames } = probeVideo(file);
    assert.equal(codec, 'h264');
    assert.ok(frames >= 75, `${frames} pictures decoded in 6 s at 25 fps`);
    execFileSync('gst-launch-1.0', [
      '-q',
      'filesrc',
      `location=${file}`,
      '!',
      'mpegpsdemux',
      '!',
      'h264parse',
      '!',
      'fakesink',
    ]);
    const media = c.pipeline.log.search({ type: 'gb28181.media', limit: 10 }).reverse();
    assert.deepEqual(
      media.map((r) => [r.data.state, r.data.detail]),
      [
        ['started', `udp to 127.0.0.1:${rtpPort}`],
        ['ended', 'the platform hung up'],
      ],
    );
  });
});
