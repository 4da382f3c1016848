import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioSdpError, audioOffer, parseAudioAnswer } from './audio-sdp.ts';

test('the offer: G.711 laws in order of preference, two-way, 20 ms packets', () => {
  const sdp = audioOffer('10.0.0.2', 40000, ['PCMA', 'PCMU'], 7);
  assert.match(sdp, /^v=0\r\n/);
  assert.match(sdp, /\r\nc=IN IP4 10\.0\.0\.2\r\n/);
  assert.match(sdp, /\r\nm=audio 40000 RTP\/AVP 8 0\r\n/);
  assert.match(sdp, /a=rtpmap:8 PCMA\/8000\r\na=rtpmap:0 PCMU\/8000/);
  assert.match(sdp, /a=sendrecv\r\n$/);
});

// baresip 1.0's answer to the gateway's offer, as its SIP trace showed it.
const baresip = [
  'v=0',
  'o=- 911717484 143380054 IN IP4 192.0.2.2',
  's=-',
  'c=IN IP4 192.0.2.2',
  't=0 0',
  'a=tool:baresip 1.0.0',
  'm=audio 3626 RTP/AVP 8 0',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=sendrecv',
  'a=label:1',
  'a=ssrc:2808192418 cname:sip:110@127.0.0.1:44355',
  'a=minptime:20',
  'a=ptime:20',
  '',
].join('\r\n');

test("an answer: the centre's address and the law it kept", () => {
  assert.deepEqual(parseAudioAnswer(baresip, ['PCMA', 'PCMU']), {
    host: '192.0.2.2',
    port: 3626,
    codec: 'PCMA',
    direction: 'sendrecv',
  });
  assert.equal(parseAudioAnswer(baresip, ['PCMU', 'PCMA']).codec, 'PCMU', 'the first offered law the answer kept');
  const mediaLevel = baresip.replace(
    'm=audio 3626 RTP/AVP 8 0\r\n',
    'm=audio 3626 RTP/AVP 8 0\r\nc=IN IP4 10.9.9.9\r\n',
  );
  assert.equal(parseAudioAnswer(mediaLevel, ['PCMU']).host, '10.9.9.9', 'a media-level c= wins');
  assert.equal(parseAudioAnswer(baresip.replace('sendrecv', 'inactive'), ['PCMU']).direction, 'inactive');
  assert.equal(parseAudioAnswer(baresip.replaceAll('\r\n', '\n'), ['PCMU']).port, 3626, 'bare LF from a lax centre');
});

test('answers the gateway cannot use are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    [baresip.replace(/m=audio.*\r\n/, ''), /no audio media line/],
    [baresip.replace('m=audio 3626', 'm=audio 0'), /refused the audio/],
    [baresip.replace('m=audio 3626 RTP/AVP 8 0', 'm=audio 3626 RTP/AVP 18'), /none of the laws/],
    [baresip.replace('RTP/AVP 8 0', 'RTP/SAVP 8 0'), /cannot use/],
    [baresip.replace('c=IN IP4 192.0.2.2', 'c=IN IP6 ::1'), /no IPv4/],
    [baresip.replace('m=audio 3626 RTP/AVP 8 0', 'm=audio 3626 RTP/AVP '), /cannot use/],
    ['x'.repeat(9000), /larger than 8 KB/],
    ['', /no audio/],
  ];
  for (const [sdp, why] of cases)
    assert.throws(
      () => parseAudioAnswer(sdp, ['PCMU']),
      (e) => e instanceof AudioSdpError && why.test(e.message),
      sdp.slice(0, 80),
    );
});
