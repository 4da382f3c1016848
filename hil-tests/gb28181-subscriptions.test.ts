/**
 * Subscriptions (GB/T 28181 §9.11): a platform subscribes to the catalog and to alarms. The
 * catalog comes at once in NOTIFYs, a camera going offline follows as an OFF event; an
 * emergency press comes in the alarm dialog instead of as a MESSAGE, refusals for other events
 * and for bodies that are not MANSCDP, and Expires 0 ending a subscription in its dialog.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { waitFor } from './lib/ports.ts';
import { GATEWAY_ID as GATEWAY, gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim, type SimMessage } from './sim/gb-platform-sim.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

const PLATFORM = '34020000002000000001';
const CAMERA = '34020000001320000001';
const BUTTON = '34020000001340000001';

const query = (cmd: string, sn: number, extra = '') =>
  `<?xml version="1.0" encoding="GB2312"?>\r\n<Query><CmdType>${cmd}</CmdType><SN>${sn}</SN><DeviceID>${GATEWAY}</DeviceID>${extra}</Query>\r\n`;

describe('GB/T 28181 subscriptions to the catalog and to alarms', () => {
  const t = tempDir('gb-subscribe');
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  const cam = new OnvifCameraSim('admin', 'sub-cam-pass');
  let c: Controller | undefined;

  before(async () => {
    await cam.start();
    const sipPort = await platform.start();
    writeFileSync(join(t.dir, 'cam.pw'), 'sub-cam-pass\n', { mode: 0o600 });
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
              pull_timeout_s: 1,
            },
          ],
        },
        emergency_buttons: [{ id: 'lodge', name: '门卫室一键报警', camera: 'cam-gate', input: 'DI_1' }],
        gb28181: await gbSection(t.dir, [
          {
            id: 'district',
            server_id: PLATFORM,
            port: sipPort,
            password: 'sub-secret',
            channels: { 'cam-gate': CAMERA, lodge: BUTTON },
          },
        ]),
      }),
    );
    await waitFor('the gateway registered', () => platform.registered, 15_000);
    await waitFor('the camera subscribed to', () => cam.activeSubscriptions === 1, 20_000);
  });
  after(async () => {
    await c?.stop();
    platform.stop();
    await cam.stop();
    t.remove();
  });

  const notifies = (event: string) =>
    platform.received.filter(
      (m: SimMessage) => m.start.startsWith('NOTIFY') && (m.headers.event ?? '').startsWith(event),
    );

  test('the 2022 snapshot command: pictures uploaded to the platform, the files named; an upload elsewhere refused', async () => {
    const uploads: { url: string; type: string; bytes: Buffer }[] = [];
    const http = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        uploads.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', bytes: Buffer.concat(parts) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    const control = (sn: number, url: string) =>
      `<?xml version="1.0" encoding="GB2312"?>\r\n<Control><CmdType>DeviceConfig</CmdType><SN>${sn}</SN><DeviceID>${CAMERA}</DeviceID><SnapShotConfig><SnapNum>2</SnapNum><Interval>1</Interval><UploadURL>${url}</UploadURL><SessionID>sess-${sn}</SessionID></SnapShotConfig></Control>\r\n`;
    const response = (sn: number) =>
      platform.next((m) => m.body.includes('<CmdType>DeviceConfig</CmdType>') && m.body.includes(`<SN>${sn}</SN>`));
    const finished = platform.next((m) => m.body.includes('<CmdType>UploadSnapShotFinished</CmdType>'), 15_000);
    const ok = response(21);
    platform.message(GATEWAY, control(21, `http://127.0.0.1:${port}/snap`));
    assert.match((await ok).body, /<Result>OK<\/Result>/);
    const done = await finished;
    assert.match(done.body, /<SessionID>sess-21<\/SessionID>/);
    const ids = [...done.body.matchAll(/<SnapShotFileID>(\d+)<\/SnapShotFileID>/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    assert.equal(uploads.length, 2);
    for (const [i, u] of uploads.entries()) {
      assert.equal(u.type, 'image/jpeg');
      assert.deepEqual([...u.bytes.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
      assert.match(u.url, new RegExp(`^/snap\\?SessionID=sess-21&FileID=${ids[i]}$`));
    }
    // A platform may not have the gateway upload into the school's network.
    const refused = response(22);
    platform.message(GATEWAY, control(22, 'http://192.168.1.1/upload'));
    assert.match((await refused).body, /<Result>ERROR<\/Result>/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(uploads.length, 2);
    const audit = c!.pipeline.log
      .search({ type: 'audit.record', limit: 10 })
      .filter((r) => r.data.what === 'gb28181.snapshot');
    assert.deepEqual(
      audit.map((r) => r.data.ok),
      [false, true],
    );
    http.close();
  });

  test('the catalog at once and its changes; alarms in the subscription; Expires 0 ends it', async () => {
    const ok = await platform.subscribe(GATEWAY, query('Catalog', 11), {
      callId: 'cat1',
      expires: 7200,
      event: 'Catalog',
    });
    assert.equal(ok.start, 'SIP/2.0 200 OK');
    assert.equal(ok.headers.expires, '7200');
    assert.match(ok.body, /<Result>OK<\/Result>/);
    await waitFor('the catalog in a NOTIFY', () => notifies('Catalog').length >= 1, 10_000);
    const first = notifies('Catalog')[0]!;
    assert.match(first.headers['subscription-state'] ?? '', /^active;expires=\d+$/);
    assert.equal(first.headers['call-id'], 'cat1');
    assert.match(
      first.headers.from ?? '',
      new RegExp(`tag=${/tag=(\w+)/.exec(ok.headers.to ?? '')![1]}`),
      'in the dialog the 200 OK made',
    );
    assert.match(first.body, /<SumNum>2<\/SumNum>/);
    assert.match(first.body, new RegExp(`<DeviceID>${CAMERA}</DeviceID>`));

    // An unknown subscription event is refused, and a body that is not MANSCDP too.
    assert.equal(
      (await platform.subscribe(GATEWAY, query('RecordInfo', 12), { callId: 'x1', expires: 60, event: 'Catalog' }))
        .start,
      'SIP/2.0 489 Bad Event',
    );
    assert.equal(
      (await platform.subscribe(GATEWAY, '<not xml', { callId: 'x2', expires: 60, event: 'Catalog' })).start,
      'SIP/2.0 400 Bad Request',
    );

    // Alarms of priority 1 only, by NOTIFY in the dialog.
    const alarmOk = await platform.subscribe(
      GATEWAY,
      query(
        'Alarm',
        13,
        '<StartAlarmPriority>1</StartAlarmPriority><EndAlarmPriority>1</EndAlarmPriority><AlarmMethod>2</AlarmMethod>',
      ),
      { callId: 'al1', expires: 3600, event: 'presence' },
    );
    assert.equal(alarmOk.start, 'SIP/2.0 200 OK');
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
    await waitFor('the press in the alarm dialog', () => notifies('presence').length === 1, 10_000);
    const alarm = notifies('presence')[0]!;
    assert.equal(alarm.headers['call-id'], 'al1');
    assert.match(alarm.body, /<CmdType>Alarm<\/CmdType>/);
    assert.match(alarm.body, new RegExp(`<DeviceID>${BUTTON}</DeviceID>`));
    assert.match(alarm.body, /<AlarmPriority>1<\/AlarmPriority>/);
    const messages = () =>
      platform.received.filter((m) => m.start.startsWith('MESSAGE') && m.body.includes('<CmdType>Alarm</CmdType>'));
    assert.equal(messages().length, 0, 'not a MESSAGE as well');

    // The camera goes away: the catalog subscription hears it is OFF.
    await cam.stop();
    await waitFor(
      'the OFF event',
      () => notifies('Catalog').some((m) => /<Event>OFF<\/Event>/.test(m.body)),
      40_000,
      200,
    );
    const off = notifies('Catalog').find((m) => /<Event>OFF<\/Event>/.test(m.body))!;
    assert.match(off.body, new RegExp(`<DeviceID>${CAMERA}</DeviceID>`));

    // Expires 0 ends the alarm subscription, in its dialog (same Call-ID, the gateway's tag).
    const end = await platform.subscribe(GATEWAY, query('Alarm', 14), {
      callId: 'al1',
      expires: 0,
      event: 'presence',
      toTag: /tag=(\w+)/.exec(alarmOk.headers.to ?? '')![1],
    });
    assert.equal(end.headers.expires, '0');
    assert.deepEqual(c!.gb28181!.events.subscriptions.of('district', 'Alarm'), []);
    assert.equal(c!.gb28181!.events.subscriptions.of('district', 'Catalog').length, 1);
  });
});
