/**
 * The gateway as a GB/T 28181 access gateway against Debian's sipp playing the upper platform:
 * digest registration with the right password and a wrong one, the platform's clock compared,
 * keepalives, unregistration on stop, and the link offline (an alarm) once the platform is gone.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import type { Controller } from '../controller/runtime.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { GATEWAY_ID as GATEWAY, gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { platformScenario, SippPlatform } from './sim/sipp-platform.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';
import { encodePtzCmd } from '../controller/features/gb28181/ptz-command.ts';

const SERVER = '34020000002000000001';

describe('GB/T 28181 registration against sipp', () => {
  const t = tempDir('gb28181');
  let c: Controller | undefined;
  const platforms: SippPlatform[] = [];
  after(async () => {
    await c?.stop();
    for (const p of platforms) p.stop();
    t.remove();
  });

  async function school(
    password: string,
    platformPort: number,
    keepalive_s = 5,
    camera?: OnvifCameraSim,
    transport: 'udp' | 'tcp' = 'udp',
  ): Promise<Controller> {
    writeFileSync(join(t.dir, 'cam.pw'), 'gb-cam-pass\n', { mode: 0o600 });
    return startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        // A camera nobody answers for (OFF in the catalog) and a PA zone (a voice output, 137).
        video: {
          cameras: [
            {
              id: 'cam-gate',
              name: '校门摄像机',
              host: '127.0.0.1',
              port: camera?.port ?? 9,
              username: 'admin',
              password_file: 'cam.pw',
              pull_timeout_s: 2,
            },
          ],
        },
        emergency_buttons: camera ? [{ id: 'lodge', name: '门卫室一键报警', camera: 'cam-gate', input: 'DI_1' }] : [],
        pa: { zones: [{ id: 'yard', name: '操场', address: '127.0.0.1:9' }] },
        gb28181: await gbSection(
          t.dir,
          [
            {
              id: 'province',
              server_id: SERVER,
              port: platformPort,
              transport,
              password,
              expires_s: 3600,
              keepalive_s,
              keepalive_misses: 2,
              channels: {
                'cam-gate': '34020000001320000001',
                yard: '34020000001370000001',
                ...(camera ? { lodge: '34020000001340000001' } : {}),
              },
            },
          ],
          { name: '实验中学校园网关' },
        ),
      }),
    );
  }
  const link = () => c!.gb28181!.links.get('province')!;
  // Each test starts its own school; a failed one must not leave its controller holding the store.
  const stopSchool = async () => {
    await c?.stop();
    c = undefined;
  };
  afterEach(stopSchool);
  const records = (type: string) => c!.pipeline.log.search({ type, limit: 50 }).reverse();

  test('registers with digest (sipp checks it), compares the clocks, keeps alive, and unregisters on stop', async () => {
    const port = await freePort();
    const sipp = new SippPlatform(t.dir, port);
    platforms.push(sipp);
    const query = (cmd: string, sn: number) =>
      `<?xml version="1.0" encoding="GB2312"?>\n<Query>\n<CmdType>${cmd}</CmdType>\n<SN>${sn}</SN>\n<DeviceID>${GATEWAY}</DeviceID>\n</Query>`;
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'gb-secret-12345',
        realm: '3402000000',
        date: '2020-01-01T08:00:00.000',
        expires: 3600,
        queries: [query('Catalog', 101), query('DeviceInfo', 102), 'not xml at all'],
      }),
    );
    c = await school('gb-secret-12345', port);
    await waitFor('registered', () => link().state === 'registered', 15_000);
    assert.ok(link().expiresAt! - link().registeredAt! === 3600_000);
    const drift = records('gb28181.clock-drift');
    assert.equal(drift.length, 1, "the platform's clock is years off: said, not stepped");
    assert.ok((drift[0]!.data.driftMs as number) > 86_400_000);
    await waitFor(
      'two keepalives answered',
      () => sipp.received().filter((m) => /<CmdType>Keepalive<\/CmdType>/.test(m)).length >= 2,
      15_000,
    );
    assert.equal(link().misses, 0);
    const registers = sipp.received().filter((m) => m.startsWith('REGISTER'));
    assert.match(registers[1]!, /Authorization: Digest username="34020000002090000001", realm="3402000000"/);
    assert.match(registers[0]!, new RegExp(`Contact: <sip:${GATEWAY}@127\\.0\\.0\\.1:\\d+>`));
    assert.match(sipp.received().find((m) => m.startsWith('MESSAGE'))!, /Content-Type: Application\/MANSCDP\+xml/);
    // The answers, as the platform received them: GB2312 bodies with the site's names.
    const answers = sipp.received().map((m) => iconv.decode(Buffer.from(m, 'latin1'), 'gb18030'));
    const catalog = answers.find((m) => /<CmdType>Catalog<\/CmdType>/.test(m))!;
    assert.match(catalog, /<SN>101<\/SN>/);
    assert.match(catalog, /<SumNum>2<\/SumNum>/);
    assert.match(catalog, /<DeviceID>34020000001320000001<\/DeviceID><Name>校门摄像机<\/Name>.*<Status>OFF<\/Status>/s);
    assert.match(catalog, /<DeviceID>34020000001370000001<\/DeviceID><Name>操场<\/Name>.*<Status>ON<\/Status>/s);
    assert.match(
      answers.find((m) => /<CmdType>DeviceInfo<\/CmdType>/.test(m))!,
      /<DeviceName>实验中学校园网关<\/DeviceName>.*<Channel>2<\/Channel>/s,
    );
    const answered = records('gb28181.query').map((r) => [r.data.cmdType, r.data.answered]);
    assert.deepEqual(answered, [
      ['Catalog', true],
      ['DeviceInfo', true],
    ]);
    assert.ok(
      c.gb28181!.stats.malformed === 0,
      'the garbage was a well-formed SIP MESSAGE with a body that is not MANSCDP',
    );
    await stopSchool();
    const last = sipp
      .received()
      .filter((m) => m.startsWith('REGISTER'))
      .at(-1)!;
    assert.match(last, /Expires: 0/, 'unregistered on stop');
    sipp.stop();
  });

  test('over TCP too: digest registration, a Catalog answered on the same connection, keepalives', async () => {
    const port = await freePort();
    const sipp = new SippPlatform(t.dir, port, 'tcp');
    platforms.push(sipp);
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'gb-tcp-secret',
        realm: '3402000000',
        date: '2026-12-01T08:00:00.000',
        expires: 3600,
        queries: [
          `<?xml version="1.0" encoding="GB2312"?>\n<Query>\n<CmdType>Catalog</CmdType>\n<SN>7</SN>\n<DeviceID>${GATEWAY}</DeviceID>\n</Query>`,
        ],
      }),
    );
    c = await school('gb-tcp-secret', port, 5, undefined, 'tcp');
    await waitFor('registered over TCP', () => link().state === 'registered', 15_000);
    await waitFor(
      'a keepalive over TCP',
      () => sipp.received().some((m) => /<CmdType>Keepalive<\/CmdType>/.test(m)),
      15_000,
    );
    const registers = sipp.received().filter((m) => m.startsWith('REGISTER'));
    assert.match(registers[0]!, /^Via: SIP\/2\.0\/TCP /m);
    assert.match(registers[1]!, /Authorization: Digest/);
    assert.ok(sipp.received().some((m) => /<CmdType>Catalog<\/CmdType>/.test(m) && /<SN>7<\/SN>/.test(m)));
    assert.equal(c.gb28181!.stats.malformed, 0);
    await stopSchool();
    assert.match(
      sipp
        .received()
        .filter((m) => m.startsWith('REGISTER'))
        .at(-1)!,
      /Expires: 0/,
    );
    sipp.stop();
  });

  test('a wrong password is refused: an alarm, and no new attempt before the 60 s the standard asks', async () => {
    const port = await freePort();
    const sipp = new SippPlatform(t.dir, port);
    platforms.push(sipp);
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'the-right-one',
        realm: '3402000000',
        date: '2020-01-01T08:00:00',
        expires: 3600,
      }),
    );
    c = await school('a-wrong-password', port);
    await waitFor('refused', () => link().state === 'refused', 15_000);
    const alarm = c.alarms.openAlarms().find((a) => a.key === 'gb28181.link:province');
    assert.equal(alarm?.severity, 'major');
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(
      sipp.received().filter((m) => m.startsWith('REGISTER')).length,
      2,
      'one challenge, one answer, then a wait',
    );
    await stopSchool();
    sipp.stop();
  });

  test('a platform that stops answering: the link goes offline after the configured misses, and that is an alarm', async () => {
    const port = await freePort();
    const sipp = new SippPlatform(t.dir, port);
    platforms.push(sipp);
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'gb-secret-12345',
        realm: '3402000000',
        date: '2020-01-01T08:00:00',
        expires: 3600,
      }),
    );
    c = await school('gb-secret-12345', port);
    await waitFor('registered', () => link().state === 'registered', 15_000);
    sipp.stop();
    await waitFor('offline', () => link().state === 'offline' || link().state === 'unregistered', 30_000);
    assert.ok(c.alarms.openAlarms().some((a) => a.key === 'gb28181.link:province'));
    assert.ok(records('gb28181.link').some((r) => r.data.state === 'offline'));
  });

  test("an emergency press reaches the platform as a first-priority alarm; its PTZ command moves the camera; its reset leaves the school's latch alone", async () => {
    const cam = new OnvifCameraSim('admin', 'gb-cam-pass');
    await cam.start();
    const port = await freePort();
    const sipp = new SippPlatform(t.dir, port);
    platforms.push(sipp);
    const control = (fields: string, channel: string) =>
      `<?xml version="1.0" encoding="GB2312"?>\n<Control>\n<CmdType>DeviceControl</CmdType>\n<SN>7</SN>\n<DeviceID>${channel}</DeviceID>\n${fields}\n</Control>`;
    await sipp.start(
      platformScenario({
        username: GATEWAY,
        password: 'gb-secret-12345',
        realm: '3402000000',
        date: '2020-01-01T08:00:00',
        expires: 3600,
        queries: [
          {
            body: control(`<PTZCmd>${encodePtzCmd(0x01, 0x80, 0, 0)}</PTZCmd>`, '34020000001320000001'),
            afterMs: 4000,
          },
          { body: control('<AlarmCmd>ResetAlarm</AlarmCmd>', '34020000001340000001'), afterMs: 500 },
          { body: control('<TeleBoot>Boot</TeleBoot>', GATEWAY), afterMs: 300 },
        ],
      }),
    );
    try {
      c = await school('gb-secret-12345', port, 5, cam);
      await waitFor(
        'registered and the camera subscribed',
        () => link().state === 'registered' && cam.activeSubscriptions === 1,
        15_000,
      );
      cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_1' });
      const alarmAt = () =>
        sipp
          .received()
          .map((m) => iconv.decode(Buffer.from(m, 'latin1'), 'gb18030'))
          .find((m) => /<CmdType>Alarm<\/CmdType>/.test(m));
      await waitFor('the alarm at the platform', alarmAt, 5000);
      const alarm = alarmAt()!;
      assert.match(alarm, /<DeviceID>34020000001340000001<\/DeviceID>/);
      assert.match(alarm, /<AlarmPriority>1<\/AlarmPriority><AlarmMethod>2<\/AlarmMethod>/);
      assert.match(alarm, /<AlarmDescription>门卫室一键报警<\/AlarmDescription>/);
      assert.ok(c.gb28181!.alarmState.get('province')!.awaitingReset.has('34020000001340000001'));
      await waitFor('the PTZ move at the camera', () => cam.ptz.some((p) => p.action === 'ContinuousMove'), 10_000);
      await waitFor('the reset taken', () => !c!.gb28181!.alarmState.get('province')!.awaitingReset.size, 5000);
      assert.ok(c.alarms.isActive('emergency.button:lodge'), 'the latch stays until a person at the school resets it');
      // The store is the same school's across these tests: only this test's controls.
      const controls = () => records('gb28181.query').filter((r) => r.data.cmdType === 'DeviceControl');
      await waitFor('three controls answered', () => controls().length >= 3, 5000);
      assert.deepEqual(
        controls().map((r) => r.data.answered),
        [true, true, false],
        'PTZ and reset done; a remote reboot refused',
      );
      const audit = c.commands.recentAudit(20) as { actor: string; command: string }[];
      assert.ok(
        audit.some((a) => a.actor === 'province' && a.command === 'camera.ptz'),
        'platform commands are audited',
      );
      assert.ok(audit.some((a) => a.actor === 'province' && a.command === 'gb28181.alarm-reset'));
    } finally {
      await stopSchool();
      sipp.stop();
      await cam.stop();
    }
  });
});
