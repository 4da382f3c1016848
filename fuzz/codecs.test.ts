/**
 * Property-based fuzzing of every codec a device or the district can feed: random and
 * mutated input must give a result or the codec's own clear error, never a crash, and
 * valid input must survive garbage around it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeAsciiLine,
  decodeBinaryFrame,
  decodeBits,
  encodeBinaryFrame,
  encodeBits,
  WiegandError,
} from '../drivers/access/wiegand-codec.ts';
import { decodePacket, encodePacket, OsdpFrameError, PacketSplitter, SOM } from '../drivers/access/osdp/frame.ts';
import {
  OsdpPayloadError,
  parseKeySet,
  parseLed,
  parsePdCap,
  parsePdId,
  parseRaw,
} from '../drivers/access/osdp/messages.ts';
import { decryptData, SCBK_D, sessionKeys } from '../drivers/access/osdp/secure-channel.ts';
import { decodeReadings, planReads } from '../drivers/modbus/register-codec.ts';
import { BYTE_ORDERS, POINT_TYPES } from '../controller/config/schema-kit.ts';
import type { PointProfile } from '../controller/config/types.ts';
import { OnvifXmlError, parseNotifications } from '../drivers/video/onvif-events.ts';
import { parseChallenge } from '../drivers/video/http-digest.ts';
import { parseDownlink } from '../controller/uplink/downlink.ts';
import { parseSip, writeSip } from '../controller/features/gb28181/sip-message.ts';
import { parseOffer, SdpError } from '../controller/features/gb28181/sdp.ts';
import { bytesWith, check, onlyThrows } from './fuzz-runs.ts';

const bits = fc.array(fc.constantFrom('0', '1'), { maxLength: 40 }).map((a) => a.join(''));

test('Wiegand: any bit string, ASCII line or binary frame decodes or is refused with a WiegandError', async () => {
  await check('wiegand bits', fc.oneof(bits, fc.string({ maxLength: 40 })), (s) =>
    onlyThrows(WiegandError, () => decodeBits(s)),
  );
  await check(
    'wiegand ascii line',
    fc.tuple(
      fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[0-9A-Fa-f:x]{0,40}$/)),
      fc.constantFrom('w26' as const, 'w34' as const),
    ),
    ([line, format]) => onlyThrows(WiegandError, () => decodeAsciiLine(line, format)),
  );
  await check('wiegand binary frame', bytesWith(0x02, 0x03, 26, 34), (b) =>
    onlyThrows(WiegandError, () => decodeBinaryFrame(b)),
  );
  await check(
    'wiegand round trip',
    fc.oneof(
      fc.tuple(fc.constant('w26' as const), fc.integer({ min: 0, max: 2 ** 24 - 1 })),
      fc.tuple(fc.constant('w34' as const), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    ),
    ([format, value]) => {
      const encoded = encodeBits(format, value);
      assert.equal(decodeBits(encoded).format, format);
      assert.deepEqual(decodeBinaryFrame(encodeBinaryFrame(encoded)), decodeBits(encoded));
    },
  );
});

const packet = fc.record({
  addr: fc.integer({ min: 0, max: 0x7f }),
  sqn: fc.integer({ min: 0, max: 3 }),
  reply: fc.boolean(),
  code: fc.integer({ min: 0x40, max: 0x7f }),
  data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  scb: fc.constant(null),
});

test('OSDP: frames and payloads decode or are refused with their own error; packets survive garbage on the line', async () => {
  await check('osdp packet', bytesWith(SOM, 0x04, 0x08), (b) => onlyThrows(OsdpFrameError, () => decodePacket(b)));
  // Valid packets with a stray byte flipped: the CRC catches every one.
  await check(
    'osdp corrupted packet',
    fc.tuple(packet, fc.nat(), fc.integer({ min: 1, max: 255 })),
    ([p, at, flip]) => {
      const bytes = encodePacket(p);
      bytes[at % bytes.length]! ^= flip;
      onlyThrows(OsdpFrameError, () => decodePacket(bytes));
    },
  );
  const payloads = [parsePdId, parsePdCap, parseRaw, parseLed, parseKeySet];
  await check(
    'osdp payloads',
    fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
    (b) => {
      for (const parse of payloads) onlyThrows(OsdpPayloadError, () => parse(b));
    },
  );
  await check(
    'osdp line with garbage',
    fc.tuple(
      fc.array(packet, { minLength: 1, maxLength: 5 }),
      fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }),
      fc.integer({ min: 1, max: 17 }),
    ),
    ([packets, junk, chunk]) => {
      // Garbage without a start-of-message byte in front of and between real packets.
      const clean = junk.map((j) => Buffer.from(j.filter((x) => x !== SOM)));
      const line = Buffer.concat(packets.flatMap((p, i) => [clean[i] ?? Buffer.alloc(0), encodePacket(p)]));
      const splitter = new PacketSplitter();
      const got = [];
      for (let i = 0; i < line.length; i += chunk) got.push(...splitter.push(line.subarray(i, i + chunk)));
      assert.deepEqual(
        got.map((g) => [g.packet.addr, g.packet.code, g.packet.data.toString('hex')]),
        packets.map((p) => [p.addr, p.code, p.data.toString('hex')]),
      );
    },
  );
  await check('osdp splitter on anything', fc.array(bytesWith(SOM, 0x04, 0x08), { maxLength: 8 }), (chunks) => {
    const splitter = new PacketSplitter();
    for (const c of chunks) splitter.push(c);
  });
  const keys = sessionKeys(SCBK_D, Buffer.alloc(8, 1));
  await check(
    'osdp secure channel decrypt',
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    (b) => {
      try {
        decryptData(keys, Buffer.alloc(16), b);
      } catch (err) {
        assert.ok(err instanceof Error && !(err instanceof TypeError), String(err));
      }
    },
  );
});

const REGISTER_TYPES = POINT_TYPES.filter((t) => t !== 'bool');
const point = fc
  .record({
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    function: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
    address: fc.integer({ min: 0, max: 300 }),
    type: fc.constantFrom(...REGISTER_TYPES),
    byte_order: fc.constantFrom(...BYTE_ORDERS),
    bits: fc.option(fc.record({ offset: fc.integer({ min: 0, max: 15 }), length: fc.integer({ min: 1, max: 16 }) }), {
      nil: undefined,
    }),
    scale: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    offset: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fault_values: fc.option(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 2 }), { nil: undefined }),
    report: fc.boolean(),
    unit: fc.constant('u'),
    valid_min: fc.option(fc.integer({ min: -1e6, max: 0 }), { nil: undefined }),
    valid_max: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
  })
  // A bit function reads bools; a bit field sits in an integer register.
  .map((p) =>
    p.function <= 2
      ? { ...p, type: 'bool' as const, bits: undefined }
      : p.bits && !/int/.test(p.type)
        ? { ...p, type: 'uint16' as const }
        : p,
  ) as fc.Arbitrary<PointProfile>;

test('Modbus: read plans cover every point within protocol limits; any register response decodes or is refused', async () => {
  await check('modbus read plan', fc.array(point, { minLength: 1, maxLength: 20 }), (points) => {
    const blocks = planReads(points);
    for (const b of blocks)
      assert.ok(b.count >= 1 && b.count <= (b.function <= 2 ? 2000 : 125), `block of ${b.count} registers`);
    assert.equal(
      blocks.reduce((n, b) => n + b.points.length, 0),
      points.length,
    );
  });
  await check(
    'modbus response words and bits',
    fc.tuple(
      fc.array(point, { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 130 }),
    ),
    ([points, words]) => {
      const blocks = planReads(points);
      const data = blocks.map((b) => (b.function <= 2 ? words.map((w) => w % 2 === 1) : words));
      for (const r of decodeReadings(blocks, data)) {
        if (r.quality === 'good') assert.ok(Number.isFinite(r.value));
        else assert.ok(r.reason.length > 0);
      }
    },
  );
});

const notification = (topic: string, items: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body><tev:PullMessagesResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><wsnt:NotificationMessage><wsnt:Topic Dialect="x">${topic}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-01-01T00:00:00Z" PropertyOperation="Changed"><tt:Source>${items}</tt:Source><tt:Data><tt:SimpleItem Name="IsMotion" Value="true"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage></tev:PullMessagesResponse></s:Body></s:Envelope>`;

test('ONVIF: any text, and valid notifications with their fields mangled, parse or are refused as not XML', async () => {
  await check('onvif xml text', fc.string({ maxLength: 400 }), (s) =>
    onlyThrows(OnvifXmlError, () => parseNotifications(s)),
  );
  await check(
    'onvif mutated notification',
    fc.tuple(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), fc.nat(), fc.nat({ max: 40 })),
    ([topic, items, at, cut]) => {
      const xml = notification(topic, items);
      const i = at % xml.length;
      onlyThrows(OnvifXmlError, () => parseNotifications(xml.slice(0, i) + xml.slice(i + cut)));
    },
  );
  await check('http digest challenge', fc.string({ maxLength: 200 }), (s) => {
    parseChallenge(s);
    parseChallenge(`Digest ${s}`);
  });
});

test('MQTT downlink: any payload on any topic is a command or a clear rejection', async () => {
  const base = 'campus/d/s/gw';
  const json = fc.jsonValue().map((v) => JSON.stringify(v));
  const command = fc
    .record({ id: fc.oneof(fc.string(), fc.integer()), ts: fc.string(), args: fc.jsonValue() }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v));
  await check(
    'downlink payload',
    fc.tuple(
      fc.oneof(
        fc.constant(`${base}/cmd/gate.open`),
        fc.string().map((s) => `${base}/cmd/${s}`),
        fc.string(),
      ),
      fc.oneof(
        json,
        command,
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
      ),
    ),
    ([topic, payload]) => {
      const r = parseDownlink(topic, base, Buffer.from(payload));
      if (!r.ok) assert.ok(r.error.length > 0);
      else
        assert.ok(typeof r.command.id === 'string' && r.command.name.length > 0 && typeof r.command.args === 'object');
    },
  );
});

test('SIP: any bytes, and valid messages cut, spliced and mutated, parse or are refused; what parses writes back the same', async () => {
  const valid = writeSip({
    kind: 'request',
    method: 'MESSAGE',
    uri: 'sip:34020000002000000001@3402000000',
    headers: [
      ['via', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1'],
      ['from', '<sip:34020000002090000001@3402000000>;tag=1'],
      ['to', '<sip:34020000002000000001@3402000000>'],
      ['call-id', 'k1'],
      ['cseq', '7 MESSAGE'],
      ['content-type', 'Application/MANSCDP+xml'],
    ],
    body: Buffer.from('<?xml version="1.0"?><Notify><CmdType>Keepalive</CmdType></Notify>'),
  });
  const mutated = fc
    .tuple(
      fc.integer({ min: 0, max: valid.length }),
      fc.integer({ min: 0, max: 40 }),
      bytesWith(0x0d, 0x0a, 0x3a, 0x20),
    )
    .map(([at, cut, junk]) =>
      Buffer.concat([valid.subarray(0, at), junk, valid.subarray(Math.min(valid.length, at + cut))]),
    );
  await check('sip', fc.oneof(bytesWith(0x0d, 0x0a, 0x3a), mutated), (bytes) => {
    for (const stream of [true, false]) {
      const r = parseSip(bytes, stream);
      if (!r.ok) continue;
      const again = parseSip(writeSip(r.message), true);
      assert.ok(again.ok);
      // The writer always states the length; a datagram may have left it out.
      const plain = (m: typeof r.message) => ({ ...m, headers: m.headers.filter(([k]) => k !== 'content-length') });
      assert.deepEqual(plain(again.message), plain(r.message));
    }
  });
});

test('SDP: any text, and a valid offer cut, spliced and mutated, gives an offer or an SdpError', async () => {
  const valid = [
    'v=0',
    'o=34020000002000000001 0 0 IN IP4 10.1.2.3',
    's=Play',
    'c=IN IP4 10.1.2.3',
    't=0 0',
    'm=video 30000 TCP/RTP/AVP 96 98',
    'a=setup:active',
    'y=0100000001',
  ].join('\r\n');
  const mutated = fc
    .tuple(fc.integer({ min: 0, max: valid.length }), fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 30 }))
    .map(([at, cut, junk]) => valid.slice(0, at) + junk + valid.slice(at + cut));
  await check('sdp', fc.oneof(fc.string({ maxLength: 200 }), mutated), (text) => {
    let o: ReturnType<typeof parseOffer> | undefined;
    onlyThrows(SdpError, () => {
      o = parseOffer(text);
    });
    if (o) assert.ok(o.port >= 1 && o.port <= 65535 && /^\d{10}$/.test(o.ssrc) && o.payloads.includes(96));
  });
});
