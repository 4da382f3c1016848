/**
 * What a broken or hostile platform may send: SIP that is malformed in each of the ways RFC 3261
 * forbids, and well-formed SIP carrying MANSCDP or SDP that is not. Wireshark's SIP dissector
 * (tshark) judges the same datagrams: everything it calls malformed the gateway must refuse.
 * Each refusal is counted, nothing crashes, and the platform link keeps working throughout.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { pcapOf } from './lib/pcap.ts';
import { freePort, waitFor } from './lib/ports.ts';
import { GATEWAY_ID as GATEWAY, gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim } from './sim/gb-platform-sim.ts';

const PLATFORM = '34020000002000000001';

const sip = (o: { method?: string; body?: string; extra?: string; length?: string; ctype?: string } = {}) => {
  const method = o.method ?? 'MESSAGE';
  const body = o.body ?? '';
  return [
    `${method} sip:${GATEWAY}@3402000000 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK${Math.random().toString(16).slice(2)}`,
    `From: <sip:${PLATFORM}@3402000000>;tag=1`,
    `To: <sip:${GATEWAY}@3402000000>`,
    `Call-ID: ${Math.random().toString(16).slice(2)}`,
    `CSeq: 1 ${method}`,
    ...(o.ctype ? [`Content-Type: ${o.ctype}`] : []),
    ...(o.extra ? [o.extra] : []),
    `Content-Length: ${o.length ?? Buffer.byteLength(body, 'latin1')}`,
    '',
    body,
  ].join('\r\n');
};

/** SIP the standard forbids, each with whether the gateway must refuse it (RFC 3261 §7, §8.1.1, §18.3, §20.14). */
const FRAMES: [name: string, bytes: string | Buffer, refuse: boolean][] = [
  ['well formed', sip({ body: '<x/>' }), false],
  ['body shorter than Content-Length', sip({ body: '<x/>', length: '400' }), true],
  ['bytes beyond Content-Length (discarded, §18.3)', sip({ body: '<x/><y/>', length: '4' }), false],
  ['negative Content-Length', sip({ length: '-5' }), true],
  ['Content-Length not a number', sip({ length: 'abc' }), true],
  ['two different Content-Lengths', sip({ body: '<x/>', extra: 'Content-Length: 9' }), true],
  ['a header line without a colon', sip({ extra: 'Bogus header line' }), true],
  ['a NUL byte in a header', sip({ extra: 'X-A: a\0b' }), true],
  ['a lone CR in a header', sip({ extra: 'X-A: a\rb' }), true],
  ['no blank line after the headers', sip().replace(/\r\n\r\n$/, '\r\n'), true],
  ['SIP/3.0', sip().replace(' SIP/2.0\r\n', ' SIP/3.0\r\n'), true],
  ['a lowercase method', sip().replace(/^MESSAGE/, 'message'), true],
  ['no Request-URI', sip().replace(/^MESSAGE sip:\S+/, 'MESSAGE'), true],
  ['a CSeq that is not a number', sip().replace('CSeq: 1 MESSAGE', 'CSeq: x MESSAGE'), true],
  ['a CSeq naming another method', sip().replace('CSeq: 1 MESSAGE', 'CSeq: 1 INVITE'), true],
  ['no Call-ID', sip().replace(/Call-ID: [^\r]*\r\n/, ''), true],
  ['no Via', sip().replace(/Via: [^\r]*\r\n/, ''), true],
  ['a four-digit status code', sip().replace(/^[^\r]*/, 'SIP/2.0 9999 Huge'), true],
  ['a folded header (§7.3.1)', sip({ extra: 'Subject: a\r\n b' }), false],
  ['100 headers', sip({ extra: Array.from({ length: 100 }, (_, i) => `X-H${i}: v`).join('\r\n') }), true],
  ['a 5000-byte header line', sip({ extra: `X-Long: ${'a'.repeat(5000)}` }), true],
  ['binary garbage', Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff)), true],
  ['bytes outside ASCII in the URI', Buffer.from(sip().replace('@3402000000 SIP', '@34\xff\xfe SIP'), 'latin1'), true],
];

const manscdp = (inner: string, decl = '<?xml version="1.0" encoding="GB2312"?>') => `${decl}\r\n${inner}\r\n`;
/** Well-formed SIP with bodies that are not what they say: each answered with a refusal. */
const BODIES: [name: string, bytes: string, status: string][] = [
  ['not XML', sip({ body: '<Query><CmdType>Catalog', ctype: 'Application/MANSCDP+xml' }), '400'],
  [
    'an entity expansion bomb',
    sip({
      body: manscdp(
        `<!DOCTYPE q [<!ENTITY a "${'x'.repeat(50)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Query><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>${GATEWAY}</DeviceID><Name>&b;</Name></Query>`,
      ),
      ctype: 'Application/MANSCDP+xml',
    }),
    '400',
  ],
  [
    '60 KB of elements and no CmdType',
    sip({ body: manscdp(`<Query>${'<a/>'.repeat(15_000)}</Query>`), ctype: 'Application/MANSCDP+xml' }),
    '400',
  ],
  [
    'no SN',
    sip({
      body: manscdp(`<Query><CmdType>Catalog</CmdType><DeviceID>${GATEWAY}</DeviceID></Query>`),
      ctype: 'Application/MANSCDP+xml',
    }),
    '400',
  ],
  [
    'a DeviceID of 21 digits',
    sip({
      body: manscdp(`<Query><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>${GATEWAY}1</DeviceID></Query>`),
      ctype: 'Application/MANSCDP+xml',
    }),
    '400',
  ],
  [
    'nesting 5000 deep',
    sip({ body: manscdp(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`), ctype: 'Application/MANSCDP+xml' }),
    '400',
  ],
  [
    'an INVITE for a channel the gateway does not have',
    sip({ method: 'INVITE', body: 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 9 RTP/AVP 96\r\n', ctype: 'APPLICATION/SDP' }),
    '404',
  ],
  ['a method the gateway does not serve', sip({ method: 'PUBLISH' }), '501'],
];

describe('GB/T 28181: malformed and hostile messages from a platform', () => {
  const t = tempDir('gb-malformed');
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  let c: Controller | undefined;
  let port = 0;

  before(async () => {
    const sipPort = await platform.start();
    port = await freePort();
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        gb28181: await gbSection(
          t.dir,
          // No keepalive while the datagrams are counted: only they reach the gateway.
          [{ id: 'district', server_id: PLATFORM, port: sipPort, password: 'mal-secret', keepalive_s: 3600 }],
          { local_port: port },
        ),
      }),
    );
    await waitFor('the gateway registered', () => platform.registered, 15_000);
  });
  after(async () => {
    await c?.stop();
    platform.stop();
    t.remove();
  });

  test('every framing error is refused and counted; whatever tshark calls malformed is among them', async () => {
    const gw = c!.gb28181!;
    const raw = createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', r));
    const datagrams = FRAMES.map(([, b]) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b));
    const refused: boolean[] = [];
    // Each datagram is either taken or refused: wait for the one or the other before the next.
    const seen = () => gw.stats.received + gw.stats.malformed;
    for (const d of datagrams) {
      const [before, malformed] = [seen(), gw.stats.malformed];
      raw.send(d, port, '127.0.0.1');
      await waitFor('the datagram handled', () => seen() > before, 5000, 5);
      refused.push(gw.stats.malformed > malformed);
    }
    raw.close();
    assert.deepEqual(
      FRAMES.map(([name], i) => `${name}: ${refused[i] ? 'refused' : 'accepted'}`),
      FRAMES.map(([name, , refuse]) => `${name}: ${refuse ? 'refused' : 'accepted'}`),
    );

    const file = join(t.dir, 'frames.pcap');
    writeFileSync(file, pcapOf(datagrams));
    const verdicts = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-d',
        'udp.port==5060,sip',
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        '_ws.malformed',
        '-e',
        '_ws.expert.message',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .split('\n')
      .slice(0, datagrams.length);
    const malformed = verdicts.map((v) => v.startsWith('_ws.malformed'));
    assert.ok(malformed.filter(Boolean).length >= 4, `tshark judged ${malformed.filter(Boolean).length} malformed`);
    malformed.forEach((m, i) => {
      if (m)
        assert.ok(refused[i], `tshark calls "${FRAMES[i]![0]}" malformed (${verdicts[i]}), and so must the gateway`);
    });
    assert.equal(gw.stats.failed, 0, 'no handler failed');
  });

  test('well-formed SIP with bodies that are not MANSCDP or SDP is refused with its status; the link keeps working', async () => {
    for (const [name, text, status] of BODIES) {
      const callId = /Call-ID: (\S+)/.exec(text)![1]!;
      const answer = platform.next((m) => m.headers['call-id'] === callId && /^SIP\/2.0 [3-6]/.test(m.start), 5000);
      platform.send(text);
      const got = await answer.catch(() => ({ start: 'no answer' }));
      assert.match(got.start, new RegExp(`^SIP/2.0 ${status} `), name);
    }
    assert.equal(c!.gb28181!.stats.failed, 0, 'no handler failed');
    // The link still answers: a DeviceInfo query gets its Response.
    const info = platform.next(
      (m) => m.start.startsWith('MESSAGE') && m.body.includes('<CmdType>DeviceInfo</CmdType>'),
      10_000,
    );
    platform.message(
      GATEWAY,
      manscdp(`<Query><CmdType>DeviceInfo</CmdType><SN>77</SN><DeviceID>${GATEWAY}</DeviceID></Query>`),
    );
    assert.match((await info).body, /<Result>OK<\/Result>|<DeviceName>/);
    assert.equal(c!.gb28181!.status().district!.state, 'registered');
  });
});
