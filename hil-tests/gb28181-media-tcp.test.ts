/**
 * Live video to platforms over TCP, both ways (RFC 4571 framing), with an H.265 camera: two
 * platforms (district and provincial) watching on one RTSP pull, a repeated INVITE answered
 * again and not acted on, a call over the cap refused, requests the gateway cannot serve, a
 * camera that dies in the middle of a call, and an answer never acknowledged. GStreamer's RTSP
 * server is the camera; ffprobe judges the stream.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { probeVideo } from './lib/ffprobe.ts';
import { startGstRtspServer } from './lib/gst-rtsp.ts';
import { waitFor } from './lib/ports.ts';
import { gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim, type SimMessage, TcpRtpReceiver } from './sim/gb-platform-sim.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

const PLATFORM = '34020000002000000001';
const PROVINCE = '61000000002000000001';
const CHANNEL = '34020000001320000002';
const PROVINCE_CHANNEL = '61000000001320000102';

const sdp = (m: string, extra: string[] = []) =>
  [
    'v=0',
    `o=${PLATFORM} 0 0 IN IP4 127.0.0.1`,
    's=Play',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    m,
    'a=recvonly',
    'a=rtpmap:96 PS/90000',
    ...extra,
    'y=0100000002',
    '',
  ].join('\r\n');

describe('GB/T 28181 live video over TCP from an H.265 camera', () => {
  const t = tempDir('gb-media-tcp');
  const cam = new OnvifCameraSim('admin', 'tcp-cam-pass');
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  const province = new GbPlatformSim(PROVINCE, '6100000000');
  let rtsp: Awaited<ReturnType<typeof startGstRtspServer>>;
  let c: Controller | undefined;
  const passive = new TcpRtpReceiver();
  const active = new TcpRtpReceiver();

  before(async () => {
    rtsp = await startGstRtspServer();
    cam.rtspUrl = rtsp.url('/h265');
    await cam.start();
  });
  after(async () => {
    passive.stop();
    active.stop();
    await c?.stop();
    platform.stop();
    province.stop();
    await cam.stop();
    rtsp?.stop();
    t.remove();
  });

  test('two platforms on one pull, passive and active; repeats, no ACK, refusals; the camera dies and both calls end with a BYE', async () => {
    const sipPort = await platform.start();
    const provincePort = await province.start();
    writeFileSync(join(t.dir, 'cam.pw'), 'tcp-cam-pass\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        video: {
          cameras: [
            {
              id: 'cam-yard',
              name: '操场',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
            },
          ],
        },
        gb28181: await gbSection(
          t.dir,
          [
            {
              id: 'district',
              server_id: PLATFORM,
              port: sipPort,
              password: 'tcp-secret',
              keepalive_s: 30,
              channels: { 'cam-yard': CHANNEL },
            },
            {
              id: 'province',
              server_id: PROVINCE,
              port: provincePort,
              password: 'tcp-secret',
              keepalive_s: 30,
              channels: { 'cam-yard': PROVINCE_CHANNEL },
            },
          ],
          { max_video_calls: 2 },
        ),
      }),
    );
    const gw = c.gb28181!;
    await waitFor('the gateway registered to both', () => platform.registered && province.registered, 15_000);
    await waitFor(
      'the camera online',
      () => gw.live !== undefined && c!.devices.get('cam-yard', 'camera')?.streamUrl() !== null,
      20_000,
    );

    const status = async (channel: string, offer: string) => (await platform.invite(channel, offer).final).start;
    assert.equal(await status('34020000001320000099', sdp('m=video 30000 RTP/AVP 96')), 'SIP/2.0 404 Not Found');
    assert.equal(
      await status(CHANNEL, sdp('m=video 30000 RTP/AVP 96').replace('y=0100000002', '')),
      'SIP/2.0 488 Not Acceptable Here',
    );
    assert.equal(await status(CHANNEL, sdp('m=video 30000 RTP/AVP 8')), 'SIP/2.0 488 Not Acceptable Here');

    // Platform passive: it listens, the gateway connects after the ACK.
    const passivePort = await passive.listen();
    const a = platform.invite(
      CHANNEL,
      sdp(`m=video ${passivePort} TCP/RTP/AVP 96`, ['a=setup:passive', 'a=connection:new']),
    );
    const aOk = await a.final;
    assert.equal(aOk.start, 'SIP/2.0 200 OK');
    assert.match(aOk.body, /^a=setup:active$/m);
    platform.inDialog('ACK', a.text, aOk);

    // The provincial platform, active: the gateway listens on the port of its answer.
    const b = province.invite(
      PROVINCE_CHANNEL,
      sdp('m=video 9 TCP/RTP/AVP 96', ['a=setup:active', 'a=connection:new']),
    );
    const bOk = await b.final;
    assert.match(bOk.body, /^a=setup:passive$/m);
    const bPort = Number(/^m=video (\d+) TCP\/RTP\/AVP 96$/m.exec(bOk.body)?.[1]);
    active.connect(bPort);
    province.inDialog('ACK', b.text, bOk);

    // The platform sends B's INVITE again, as UDP lets it: the same answer, no third session.
    const again = province.next((m) => m.headers['call-id'] === b.callId && m.start === 'SIP/2.0 200 OK');
    province.send(b.text);
    assert.equal((await again).headers.to, bOk.headers.to);

    // A third call is one more than this gateway takes.
    assert.equal(await status(CHANNEL, sdp('m=video 30002 RTP/AVP 96')), 'SIP/2.0 486 Busy Here');

    await waitFor(
      'video on both connections',
      () => passive.packets.length > 200 && active.packets.length > 200,
      30_000,
    );
    assert.equal(gw.live.calls.size, 2, 'the repeated INVITE opened no third session');
    assert.deepEqual(gw.live.watching, { 'cam-yard': 2 });
    assert.equal(
      execFileSync('pgrep', ['-fc', `ffmpeg.*${cam.rtspUrl.replace('rtsp://', '')}`], { encoding: 'utf8' }).trim(),
      '1',
      'one RTSP pull for both platforms',
    );

    // The camera dies: each platform gets a BYE, the TCP connections close, the records say why.
    const byeFor = (p: GbPlatformSim, id: string) =>
      p.next((m) => m.start.startsWith('BYE') && m.headers['call-id'] === id, 20_000);
    const byes = [byeFor(platform, a.callId), byeFor(province, b.callId)];
    rtsp.proc.kill('SIGKILL');
    await Promise.all(byes);
    await waitFor('both connections closed', () => passive.closed && active.closed, 5000);
    assert.equal(gw.live.calls.size, 0);
    const ended = c.pipeline.log
      .search({ type: 'gb28181.media', limit: 20 })
      .filter((r) => r.data.state === 'ended')
      .map((r) => String(r.data.detail));
    assert.equal(ended.filter((d) => d.includes("the camera's stream ended")).length, 2, ended.join(' | '));

    // An answer the platform never acknowledges: sent again over UDP, then the call ends with a BYE.
    const lonely = platform.invite(CHANNEL, sdp('m=video 30001 RTP/AVP 96'));
    const lonelyBye = platform.next((m) => m.start.startsWith('BYE') && m.headers['call-id'] === lonely.callId, 20_000);
    await lonelyBye;
    const answers = platform.received.filter(
      (m: SimMessage) => m.headers['call-id'] === lonely.callId && m.start === 'SIP/2.0 200 OK',
    ).length;
    assert.ok(answers >= 4, `the unacknowledged 200 OK was sent ${answers} times`);
    await waitFor(
      'the call recorded as ended',
      () =>
        c!.pipeline.log.search({ type: 'gb28181.media', limit: 1 })[0]?.data.detail ===
        'the platform never acknowledged the answer (no ACK)',
      5000,
    );

    for (const [name, r] of [
      ['passive', passive],
      ['active', active],
    ] as const) {
      const file = join(t.dir, `${name}.ps`);
      writeFileSync(file, Buffer.concat(r.packets.map((p) => p.subarray(12))));
      const { codec, frames } = probeVideo(file);
      assert.equal(codec, 'hevc', name);
      assert.ok(frames >= 25, `${name}: ${frames} pictures decoded`);
      assert.ok(
        r.packets.every((p) => p.readUInt32BE(8) === 100000002),
        `${name}: the SSRC of the y= line`,
      );
    }
  });
});
