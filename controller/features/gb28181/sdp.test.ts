import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answer, parseOffer, SdpError } from './sdp.ts';

const offer = (m: string, extra: string[] = []) =>
  [
    'v=0',
    'o=34020000002000000001 0 0 IN IP4 10.1.2.3',
    's=Play',
    'c=IN IP4 10.1.2.3',
    't=0 0',
    m,
    'a=recvonly',
    'a=rtpmap:96 PS/90000',
    ...extra,
    'y=0100000001',
  ].join('\r\n');

test('a UDP offer: where to send, payloads and the SSRC of the y= line', () => {
  const o = parseOffer(offer('m=video 30000 RTP/AVP 96 98 97'));
  assert.deepEqual(o, {
    session: 'Play',
    host: '10.1.2.3',
    port: 30000,
    transport: 'udp',
    setup: null,
    ssrc: '0100000001',
    payloads: [96, 98, 97],
  });
  const a = answer(o, '34020000001320000001', '10.1.2.9', 40000);
  assert.match(a, /^m=video 40000 RTP\/AVP 96$/m);
  assert.match(a, /^y=0100000001$/m);
  assert.match(a, /^a=sendonly$/m);
  assert.doesNotMatch(a, /a=setup/);
});

test('TCP: the answer takes the role the platform left; no a=setup means the platform is passive', () => {
  const passive = parseOffer(offer('m=video 30000 TCP/RTP/AVP 96', ['a=setup:passive']));
  assert.equal(passive.setup, 'passive');
  assert.match(answer(passive, 'c', 'h', 9), /^a=setup:active$/m);
  const active = parseOffer(offer('m=video 30000 TCP/RTP/AVP 96', ['a=setup:active']));
  assert.equal(active.setup, 'active');
  assert.match(answer(active, 'c', 'h', 40001), /^m=video 40001 TCP\/RTP\/AVP 96$/m);
  assert.match(answer(active, 'c', 'h', 40001), /^a=setup:passive$/m);
  assert.equal(parseOffer(offer('m=video 30000 TCP/RTP/AVP 96')).setup, 'passive');
});

test('offers the gateway cannot serve are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    [offer('m=video 30000 RTP/AVP 98'), /payload type 96/],
    [offer('m=audio 30000 RTP/AVP 8'), /video media line/],
    [offer('m=video 70000 RTP/AVP 96'), /port out of range/],
    [offer('m=video 0 RTP/AVP 96'), /port out of range/],
    [offer('m=video 30000 RTP/AVP 96').replace('y=0100000001', 'y=12'), /SSRC/],
    [offer('m=video 30000 RTP/AVP 96').replace('c=IN IP4 10.1.2.3', 'c=IN IP6 ::1'), /IPv4/],
    [offer('m=video 30000 RTP/AVP 96').replace('s=Play', 's=Playback'), /live video/],
    [`${offer('m=video 30000 RTP/AVP 96')}\r\n${'a=x\r\n'.repeat(3000)}`, /8 KB/],
    ['', /IPv4/],
  ];
  for (const [text, reason] of cases)
    assert.throws(
      () => parseOffer(text),
      (e: Error) => e instanceof SdpError && reason.test(e.message),
    );
});
