/**
 * A platform's voice broadcast (GB/T 28181 §9.12) through the school's PA: the Broadcast
 * notification answered, the gateway's audio INVITE to the platform, G.711 from ffmpeg (as the
 * platform's talker) played to the zone's speaker, an emergency cutting in (the platform gets
 * a BYE), a target with no zone refused, and the platform ending the broadcast.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { waitFor } from './lib/ports.ts';
import { GATEWAY_ID as GATEWAY, gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim, type SimMessage } from './sim/gb-platform-sim.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';

const PLATFORM = '34020000002000000001';
const TALKER = '34020000001360000001';
const HALL = '34020000001370000001';
const YARD = '34020000001370000002';

const notify = (sn: number, target: string) =>
  `<?xml version="1.0" encoding="GB2312"?>\r\n<Notify><CmdType>Broadcast</CmdType><SN>${sn}</SN><SourceID>${TALKER}</SourceID><TargetID>${target}</TargetID></Notify>\r\n`;

/** The platform's talker: a tone as G.711 A-law RTP (payload type 8) to the gateway's audio port. */
function talk(port: number, seconds: number) {
  return spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${seconds}`,
      '-ar',
      '8000',
      '-ac',
      '1',
      '-c:a',
      'pcm_alaw',
      '-f',
      'rtp',
      `rtp://127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
}

describe('GB/T 28181 voice broadcast to the PA', () => {
  const t = tempDir('gb-broadcast');
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  const hall = new PaEndpointSim();
  const yard = new PaEndpointSim();
  let c: Controller | undefined;
  let audioPort = 0;

  before(async () => {
    await Promise.all([hall.start(), yard.start()]);
    platform.answerInvite = (offer) => {
      audioPort = Number(/^m=audio (\d+) RTP\/AVP/m.exec(offer.body)?.[1]);
      return [
        'v=0',
        `o=${TALKER} 0 0 IN IP4 127.0.0.1`,
        's=Play',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        'm=audio 31000 RTP/AVP 8',
        'a=sendonly',
        'a=rtpmap:8 PCMA/8000',
        'y=0100000009',
        '',
      ].join('\r\n');
    };
    const sipPort = await platform.start();
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        pa: {
          zones: [
            { id: 'hall', name: '礼堂', address: `127.0.0.1:${hall.port}` },
            { id: 'yard', name: '操场', address: `127.0.0.1:${yard.port}` },
          ],
        },
        gb28181: await gbSection(t.dir, [
          {
            id: 'district',
            server_id: PLATFORM,
            port: sipPort,
            password: 'bc-secret',
            channels: { hall: HALL, yard: YARD },
          },
        ]),
      }),
    );
    await waitFor('the gateway registered', () => platform.registered, 15_000);
  });
  after(async () => {
    await c?.stop();
    platform.stop();
    hall.stop();
    yard.stop();
    t.remove();
  });

  const result = (sn: number) =>
    platform.next(
      (m: SimMessage) =>
        m.start.startsWith('MESSAGE') &&
        m.body.includes('<CmdType>Broadcast</CmdType>') &&
        m.body.includes(`<SN>${sn}</SN>`),
    );

  test('the platform speaks to one zone; the platform ends it; the PA finishes', async () => {
    const answered = result(1);
    const invited = platform.next((m) => m.start.startsWith('INVITE'));
    const acked = platform.next((m) => m.start.startsWith('ACK'));
    platform.message(GATEWAY, notify(1, HALL));
    assert.match((await answered).body, /<Result>OK<\/Result>/);
    const invite = await invited;
    assert.equal(invite.start, `INVITE sip:${TALKER}@3402000000 SIP/2.0`);
    assert.match(invite.body, /^m=audio \d+ RTP\/AVP 8 0$/m);
    assert.match(invite.headers.subject ?? '', new RegExp(`^${TALKER}:0,${HALL}:0$`));
    await acked;
    const talker = talk(audioPort, 3);
    await new Promise((r) => talker.once('exit', r));
    await waitFor('speech at the hall', () => hall.packets.length > 50, 5000);
    assert.equal(yard.packets.length, 0, 'only the target zone');
    const [stream] = hall.streams();
    assert.ok((await hall.meanVolumeDb(stream!.ssrc)) > -40, 'the tone, not silence');

    const bye = [
      `BYE ${invite.headers.contact?.replace(/^<|>$/g, '')} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${platform.port};branch=z9hG4bKbye1`,
      `From: ${invite.headers.to};tag=platform`,
      `To: ${invite.headers.from}`,
      `Call-ID: ${invite.headers['call-id']}`,
      'CSeq: 2 BYE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const ok = platform.next((m) => m.start === 'SIP/2.0 200 OK' && m.headers['call-id'] === invite.headers['call-id']);
    platform.send(bye);
    await ok;
    await waitFor('the PA done', () => c!.pa.playing === null, 10_000);
    const pa = c!.pipeline.log.search({ topic: 'events/pa', limit: 10 }).map((r) => r.type);
    assert.ok(pa.includes('pa.finished'), pa.join(' '));
    const bc = c!.pipeline.log.search({ type: 'gb28181.broadcast', limit: 5 }).reverse();
    assert.deepEqual(
      bc.map((r) => r.data.state),
      ['started', 'ended'],
    );
    assert.match(String(bc[1]!.data.detail), /the platform ended the broadcast/);
    const audit = c!.pipeline.log
      .search({ type: 'command.result', limit: 10 })
      .find((r) => r.data.command === 'pa.live');
    assert.equal((audit!.data.actor as { kind: string }).kind, 'platform', 'the platform command is audited');
  });

  test('an emergency cuts the broadcast and the platform gets a BYE; a target without a zone is refused', async () => {
    const invited = platform.next((m) => m.start.startsWith('INVITE'));
    platform.message(GATEWAY, notify(2, GATEWAY));
    const invite = await invited;
    await platform.next((m) => m.start.startsWith('ACK'));
    const talker = talk(audioPort, 20);
    await waitFor('speech in both zones', () => hall.streams().length > 1 && yard.packets.length > 20, 8000);
    const bye = platform.next(
      (m) => m.start.startsWith('BYE') && m.headers['call-id'] === invite.headers['call-id'],
      10_000,
    );
    const r = await c!.commands.execute(
      { name: 'pa.play', args: { kind: 'chime', zones: 'all', priority: 'emergency' } },
      { kind: 'scenario', name: 'evacuation' },
    );
    assert.ok(r.ok);
    await bye;
    talker.kill();
    const last = () => c!.pipeline.log.search({ type: 'gb28181.broadcast', limit: 1 })[0]!;
    await waitFor('the broadcast recorded as ended', () => last().data.state === 'ended', 5000);
    assert.match(String(last().data.detail), /the PA stopped the broadcast/);

    // While the emergency plays, a new broadcast cannot take the PA: the platform is told with a BYE.
    const busyBye = platform.next((m) => m.start.startsWith('BYE'), 10_000);
    platform.message(GATEWAY, notify(3, YARD));
    await busyBye;
    await waitFor(
      'the query recorded',
      () => c!.pipeline.log.search({ type: 'gb28181.query', limit: 1 })[0]!.data.sn === 3,
      5000,
    );
    const q = c!.pipeline.log.search({ type: 'gb28181.query', limit: 1 })[0]!;
    assert.equal(q.data.answered, false);
    assert.match(String(q.data.detail), /busy/);

    const refused = result(4);
    platform.message(GATEWAY, notify(4, '34020000001370000099'));
    assert.match((await refused).body, /<Result>ERROR<\/Result>/);
  });

  test('a platform that answers the audio call for TCP is hung up with the reason, not left in silence', async () => {
    await waitFor('the emergency over', () => c!.pa.playing === null, 20_000);
    const udp = platform.answerInvite;
    platform.answerInvite = (offer) => udp!(offer)!.replace('m=audio 31000 RTP/AVP 8', 'm=audio 31000 TCP/RTP/AVP 8');
    const bye = platform.next((m) => m.start.startsWith('BYE'), 10_000);
    platform.message(GATEWAY, notify(5, HALL));
    await bye.catch(() =>
      console.log(JSON.stringify(c!.pipeline.log.search({ topic: 'events/gb28181', limit: 4 }).map((r) => r.data))),
    );
    platform.answerInvite = udp;
    const last = () => c!.pipeline.log.search({ type: 'gb28181.broadcast', limit: 1 })[0];
    await waitFor('the reason recorded', () => /over UDP/.test(String(last()?.data.detail)), 5000);
  });
});
