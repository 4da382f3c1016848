import assert from 'node:assert/strict';
import { test } from 'node:test';
import { header, headers, param, parseSip, type SipMessage, utf8Header, writeSip } from './sip-message.ts';

const crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

// A 401 as a platform (WVP-PRO style) answers the gateway's first REGISTER.
const challenge = crlf(`SIP/2.0 401 Unauthorized
Via: SIP/2.0/UDP 192.168.1.20:5060;rport=5060;branch=z9hG4bK1a2b3c;received=192.168.1.20
From: <sip:34020000002090000001@3402000000>;tag=aa11
To: <sip:34020000002090000001@3402000000>;tag=bb22
Call-ID: 1712@192.168.1.20
CSeq: 1 REGISTER
WWW-Authenticate: Digest realm="3402000000",nonce="f1d2d2f924e986ac86fdf7b36c94bcdf",algorithm=MD5
User-Agent: WVP-Pro
Content-Length: 0

`);

test("a platform's 401 is read: status, the challenge, and parameters of its headers", () => {
  const r = parseSip(challenge, false);
  assert.ok(r.ok);
  const m = r.message;
  assert.equal(m.kind, 'response');
  assert.equal((m as { status: number }).status, 401);
  assert.match(header(m, 'WWW-Authenticate')!, /^Digest realm="3402000000"/);
  assert.equal(param(header(m, 'via')!, 'received'), '192.168.1.20');
  assert.equal(param(header(m, 'To')!, 'tag'), 'bb22');
  assert.equal(m.body.length, 0);
});

test('compact header names, folded lines and a GB2312 body survive; a message writes back to the same message', () => {
  const body = Buffer.from([
    0x3c, 0x4e, 0x61, 0x6d, 0x65, 0x3e, 0xd0, 0xa3, 0xc3, 0xc5, 0x3c, 0x2f, 0x4e, 0x61, 0x6d, 0x65, 0x3e,
  ]);
  const raw = Buffer.concat([
    crlf(`MESSAGE sip:34020000002000000001@3402000000 SIP/2.0
v: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKx
f: <sip:34020000002000000001@3402000000>;tag=1
t: <sip:34020000002090000001@3402000000>
i: m1@10.0.0.5
CSeq: 20 MESSAGE
c: Application/MANSCDP+xml
Subject: a long
 folded subject
l: ${body.length}

`),
    body,
  ]);
  const r = parseSip(raw, true);
  assert.ok(r.ok);
  assert.equal(r.consumed, raw.length);
  assert.equal(header(r.message, 'Content-Type'), 'Application/MANSCDP+xml');
  assert.equal(header(r.message, 'subject'), 'a long folded subject');
  assert.ok(r.message.body.equals(body), 'the body bytes as sent, whatever their encoding');
  const again = parseSip(writeSip(r.message), true);
  assert.ok(again.ok);
  assert.deepEqual(again.message, r.message);
});

test('on a stream, messages are framed by Content-Length: two at once, and one in pieces', () => {
  const one = writeSip({
    kind: 'request',
    method: 'MESSAGE',
    uri: 'sip:a@b',
    headers: [
      ['via', 'SIP/2.0/TCP 1.2.3.4;branch=z9hG4bK1'],
      ['from', '<sip:a@b>;tag=1'],
      ['to', '<sip:c@b>'],
      ['call-id', 'x'],
      ['cseq', '1 MESSAGE'],
    ],
    body: Buffer.from('<Notify/>'),
  });
  const both = Buffer.concat([one, one]);
  const first = parseSip(both, true);
  assert.ok(first.ok);
  assert.equal(first.consumed, one.length);
  assert.ok(parseSip(both.subarray(first.consumed), true).ok);
  for (const cut of [10, one.length - 20, one.length - 1])
    assert.deepEqual(parseSip(one.subarray(0, cut), true), { ok: false, incomplete: true }, `cut at ${cut}`);
});

test('malformed messages are refused with the reason', () => {
  const base = (lines: string) => parseSip(crlf(`${lines}\n\n`), false);
  const ok = 'Via: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:a@b>\nCall-ID: 1';
  const cases: [string, RegExp][] = [
    [`REGISTER sip:b SIP/2.0\n${ok}`, /no cseq header/],
    [`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: one REGISTER`, /malformed CSeq/],
    [`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 INVITE`, /CSeq method INVITE/],
    [
      `REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\nContent-Length: 5\nContent-Length: 6`,
      /two different Content-Lengths/,
    ],
    [`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\nContent-Length: 99`, /shorter than its Content-Length/],
    [`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\nContent-Length: -1`, /malformed Content-Length/],
    [`register sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER`, /not a SIP start line/],
    [`REGISTER http://b SIP/2.0\n${ok}\nCSeq: 1 REGISTER`, /not a SIP start line/],
    [`SIP/2.0 999 Odd\n${ok}\nCSeq: 1 REGISTER`, /not a SIP start line/],
    [`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\nno colon here`, /not a header line/],
    [`REGISTER sip:b SIP/2.0\n ${ok}\nCSeq: 1 REGISTER`, /continuation line before any header/],
  ];
  for (const [text, why] of cases) {
    const r = base(text);
    assert.ok(!r.ok && !r.incomplete, text);
    assert.match((r as { error: string }).error, why, text);
  }
  assert.match((parseSip(Buffer.from('GET / HTTP/1.1\r\nHost: x'), false) as { error: string }).error, /no blank line/);
  // Found by the fuzzer: a lone CR inside a value.
  assert.match(
    (
      base(`REGISTER sip:b SIP/2.0\nVia: S\rIP/2.0/UDP h\n${ok.slice(ok.indexOf('From'))}\nCSeq: 1 REGISTER`) as {
        error: string;
      }
    ).error,
    /bare CR or LF/,
  );
  const many = `REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\n${'X-A: 1\n'.repeat(90)}`;
  assert.match((base(many) as { error: string }).error, /more than 80 headers/);
  const huge = Buffer.concat([crlf(`REGISTER sip:b SIP/2.0\n${ok}\nCSeq: 1 REGISTER\n`), Buffer.alloc(70_000, 0x41)]);
  assert.match((parseSip(huge, true) as { error: string }).error, /larger than 64 KB/);
});

test('a header value with a line break is never written (no header injection from a name in the site file)', () => {
  const m: SipMessage = {
    kind: 'response',
    status: 200,
    reason: 'OK',
    headers: [['to', '<sip:a@b>\r\nContact: <sip:evil>']],
    body: Buffer.alloc(0),
  };
  assert.throws(() => writeSip(m), /line break/);
  assert.deepEqual(
    headers(
      {
        ...m,
        headers: [
          ['via', '1'],
          ['v', '2'],
        ],
      },
      'Via',
    ),
    ['1', '2'],
  );
});

test('a blank folded line adds nothing to its header (found by fuzzing)', () => {
  const text =
    'MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\nFrom: <sip:34020000002090000001@3402000000>;tag=1\r\n \r\nTo: <sip:34020000002000000001@3402000000>\r\nCall-ID: k1\r\nCSeq: 7 MESSAGE\r\nContent-Length: 0\r\n\r\n';
  const r = parseSip(Buffer.from(text), true);
  assert.ok(r.ok);
  assert.equal(header(r.message, 'from'), '<sip:34020000002090000001@3402000000>;tag=1');
  const again = parseSip(writeSip(r.message), true);
  assert.ok(again.ok);
  assert.deepEqual(again.message.headers, r.message.headers);
});

test('UTF-8 text in a header goes as its bytes and reads back; unencoded text is refused, never cut to a NUL', () => {
  const m: SipMessage = {
    kind: 'request',
    method: 'INVITE',
    uri: 'sip:110@10.0.0.5',
    headers: [
      ['via', 'SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bK1'],
      ['from', '<sip:gw@10.0.0.2>;tag=1'],
      ['to', '<sip:110@10.0.0.5>'],
      ['call-id', 'c1'],
      ['cseq', '1 INVITE'],
      ['subject', utf8Header('门卫室 一键报警')],
    ],
    body: Buffer.alloc(0),
  };
  const bytes = writeSip(m);
  assert.ok(bytes.includes(Buffer.from('Subject: 门卫室 一键报警\r\n', 'utf8')));
  assert.ok(!bytes.includes(0), 'no NUL');
  const back = parseSip(bytes, false);
  assert.ok(back.ok);
  assert.equal(Buffer.from(header(back.message, 'subject')!, 'latin1').toString('utf8'), '门卫室 一键报警');
  assert.throws(() => writeSip({ ...m, headers: [...m.headers.slice(0, 5), ['subject', '一键报警']] }), /not encoded/);
});
