import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { checksum8, crc16 } from './crc.ts';
import { decodePacket, encodePacket, PacketSplitter } from './frame.ts';
import { Cmd, encodePdId, encodeRaw, ledTemporary, parseLed, parsePdId, parseRaw, Reply, Scs } from './messages.ts';
import {
  clientCryptogram,
  decryptData,
  encryptData,
  initialRmac,
  mac,
  SCBK_D,
  SecureSession,
  serverCryptogram,
  sessionKeys,
} from './secure-channel.ts';

test('CRC-16 with initial value 0x1D0F matches the AUG-CCITT check value', () => {
  assert.equal(crc16(Buffer.from('123456789')), 0xe5cc);
  assert.equal(checksum8(Buffer.from([0x53, 0x01, 0x08, 0x00, 0x00, 0x60])), (0x100 - 0xbc) & 0xff);
});

test('a POLL to address 1 encodes to the bytes on the wire and decodes back', () => {
  const wire = encodePacket({ addr: 1, reply: false, sqn: 1, scb: null, code: Cmd.POLL, data: Buffer.alloc(0) });
  assert.equal(wire.subarray(0, 6).toString('hex'), '530108000560');
  const { packet } = decodePacket(wire);
  assert.deepEqual(
    { ...packet, data: packet.data.length },
    { addr: 1, reply: false, sqn: 1, scb: null, code: Cmd.POLL, data: 0, mac: null, crc: true },
  );
  const bad = Buffer.from(wire);
  bad[5]! ^= 0xff;
  assert.throws(() => decodePacket(bad), /CRC error/);
});

test('a reader that speaks checksums: the packet is one byte shorter, CTRL bit 2 clear, and the sum checked', () => {
  const wire = encodePacket({
    addr: 1,
    reply: false,
    sqn: 1,
    scb: null,
    code: Cmd.POLL,
    data: Buffer.alloc(0),
    crc: false,
  });
  // 53 01 07 00 01 60, then the two's complement of their sum: 0x100 - 0xBC.
  assert.equal(wire.toString('hex'), '53010700016044');
  assert.equal(decodePacket(wire).packet.crc, false);
  const bad = Buffer.from(wire);
  bad[6]! ^= 0x01;
  assert.throws(() => decodePacket(bad), /checksum error/);
});

test('the splitter finds packets among garbage and counts what it drops', () => {
  const a = encodePacket({ addr: 2, reply: true, sqn: 2, scb: null, code: Reply.ACK, data: Buffer.alloc(0) });
  const b = encodePacket({
    addr: 2,
    reply: true,
    sqn: 3,
    scb: null,
    code: Reply.RAW,
    data: encodeRaw({ reader: 0, format: 1, bits: '1'.repeat(26) }),
  });
  const corrupt = Buffer.from(a);
  corrupt[6]! ^= 1;
  const s = new PacketSplitter();
  const out = [
    ...s.push(Buffer.concat([Buffer.from([0xff, 0x00, 0x53]), corrupt.subarray(0, 3)])),
    ...s.push(Buffer.concat([corrupt.subarray(3), a, b.subarray(0, 5)])),
    ...s.push(b.subarray(5)),
  ];
  assert.deepEqual(
    out.map((p) => p.packet.sqn),
    [2, 3],
  );
  assert.ok(s.dropped >= 2);
  assert.equal(parseRaw(out[1]!.packet.data).bits.length, 26);
});

test('payloads: PDID, RAW and LED round-trip; malformed ones are refused', () => {
  const id = { vendor: '0a0b0c', model: 3, version: 1, serial: 0x11223344, firmware: '2.5.1' };
  assert.deepEqual(parsePdId(encodePdId(id)), id);
  assert.throws(() => parsePdId(Buffer.alloc(5)), /12 bytes/);
  assert.throws(() => parseRaw(Buffer.from([0, 1, 26, 0, 1])), /bytes for 26 bits/);
  assert.deepEqual(parseLed(ledTemporary(0, 2, 5, 1500)), [{ reader: 0, led: 0, color: 2, ms: 1500 }]);
});

test('secure channel handshake: both sides derive the same keys; a wrong key is detected', () => {
  const rndA = randomBytes(8),
    rndB = randomBytes(8);
  const cp = sessionKeys(SCBK_D, rndA);
  const pd = sessionKeys(SCBK_D, rndA);
  const ccrypt = clientCryptogram(pd, rndA, rndB);
  assert.ok(clientCryptogram(cp, rndA, rndB).equals(ccrypt), 'the CP verifies the PD');
  const scrypt = serverCryptogram(cp, rndA, rndB);
  assert.ok(serverCryptogram(pd, rndA, rndB).equals(scrypt), 'the PD verifies the CP');
  assert.ok(initialRmac(cp, scrypt).equals(initialRmac(pd, scrypt)));
  const other = sessionKeys(randomBytes(16), rndA);
  assert.ok(!clientCryptogram(other, rndA, rndB).equals(ccrypt));
});

test('MACs chain across messages and encrypted data round-trips with padding', () => {
  const keys = sessionKeys(SCBK_D, Buffer.alloc(8, 7));
  const rmacI = initialRmac(keys, serverCryptogram(keys, Buffer.alloc(8, 7), Buffer.alloc(8, 9)));
  const cp = new SecureSession(keys, rmacI);
  const pd = new SecureSession(keys, rmacI);
  for (let i = 0; i < 3; i++) {
    const led = ledTemporary(0, 1, 3, 1000);
    const cmd = encodePacket(
      {
        addr: 1,
        reply: false,
        sqn: 1 + i,
        scb: Buffer.from([2, Scs.CMD_ENC]),
        code: Cmd.LED,
        data: cp.encryptCommand(led),
      },
      cp.macCommand,
    );
    const got = decodePacket(cmd);
    assert.ok(pd.verifyCommand(got.macInput, got.packet.mac!), `command ${i} MAC`);
    assert.deepEqual(pd.decryptCommand(got.packet.data), led);
    const reply = encodePacket(
      {
        addr: 1,
        reply: true,
        sqn: 1 + i,
        scb: Buffer.from([2, Scs.REPLY_MAC]),
        code: Reply.ACK,
        data: Buffer.alloc(0),
      },
      pd.macReply,
    );
    const r = decodePacket(reply);
    assert.ok(cp.verifyReply(r.macInput, r.packet.mac!), `reply ${i} MAC`);
  }
  // A replayed command no longer verifies: the chain moved on.
  const replay = encodePacket(
    { addr: 1, reply: false, sqn: 1, scb: Buffer.from([2, Scs.CMD_MAC]), code: Cmd.POLL, data: Buffer.alloc(0) },
    (m) => mac(keys, rmacI, m),
  );
  const rp = decodePacket(replay);
  assert.equal(pd.verifyCommand(rp.macInput, rp.packet.mac!), false);
  for (const n of [1, 5, 15, 16, 17]) {
    const data = randomBytes(n);
    const sealed = encryptData(keys, rmacI, data);
    assert.equal(sealed.length, (n + 16) & ~15, 'the end marker is always added: 16 bytes encrypt to 32');
    assert.deepEqual(decryptData(keys, rmacI, sealed), data, `${n} bytes`);
  }
  assert.throws(() => decryptData(keys, rmacI, Buffer.alloc(16)), /padding/);
});
