/**
 * Talk-back to a centre that asks for digest authentication: sipp challenges the INVITE with a
 * 401 and checks the answer itself. Its RTP echo sends the station's audio back.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { startGstRtspServer } from './lib/gst-rtsp.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { simCamera, startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { centreScenario } from './sim/sipp-centre.ts';
import { SippPlatform } from './sim/sipp-platform.ts';

describe('talk-back to a centre that asks for digest authentication', () => {
  const t = tempDir('talkback-auth');
  const cam = new OnvifCameraSim('admin', 'ta-pass');
  let rtsp: Awaited<ReturnType<typeof startGstRtspServer>>;
  let sipp: SippPlatform;
  let c: Controller | undefined;

  before(async () => {
    rtsp = await startGstRtspServer();
    cam.rtspUrl = rtsp.url('/intercom');
    await cam.start();
    sipp = new SippPlatform(t.dir, await freePort());
    await sipp.start(centreScenario({ username: 'school-07', password: 'centre-secret', realm: '110.example' }), [
      '-mi',
      '127.0.0.1',
      '-mp',
      String(await freePort()),
      '-rtp_echo',
      // One call, then sipp exits: 0 when every check of its scenario passed.
      '-m',
      '1',
    ]);
    writeFileSync(join(t.dir, 'centre.pw'), 'centre-secret\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        video: {
          cameras: [simCamera(t.dir, 'cam-gate', cam)],
        },
        alarm_centre: {
          uri: `sip:110@127.0.0.1:${sipp.port}`,
          sip_port: await freePort(),
          local_host: '127.0.0.1',
          username: 'school-07',
          password_file: 'centre.pw',
          codecs: ['PCMA'],
          ring_timeout_s: 5,
          attempts: 1,
        },
        emergency_buttons: [
          { id: 'lodge', name: '门卫室', camera: 'cam-gate', input: 'DI_1', talkback: { microphone: 'cam-gate' } },
        ],
      }),
    );
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 20_000);
  });
  after(async () => {
    await c?.stop();
    sipp?.stop();
    await cam.stop();
    rtsp?.stop();
    t.remove();
  });

  test('the challenged call is placed again with the credentials, answered, and hung up on stop', async () => {
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
    const calls = () => c!.pipeline.log.search({ type: 'talkback.call', limit: 10 });
    await waitFor('answered', () => calls().some((r) => r.data.state === 'answered'), 15_000, 100);
    await new Promise((r) => setTimeout(r, 2000));
    const invites = sipp.received().filter((m) => m.startsWith('INVITE '));
    assert.equal(invites.length, 2);
    assert.doesNotMatch(invites[0]!, /Authorization/i);
    assert.match(invites[1]!, /^Authorization: Digest username="school-07", realm="110\.example"/im);
    assert.doesNotMatch(sipp.received().join('\n'), /centre-secret/, 'the password never goes on the wire');
    await c!.stop();
    c = undefined;
    assert.equal(await sipp.exited(), 0, 'sipp checked the digest and saw the call through to the BYE');
  });
});
