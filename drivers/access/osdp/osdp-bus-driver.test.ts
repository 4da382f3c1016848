import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EventInput } from '../../../controller/core/types.ts';
import type { CardRead, DriverContext } from '../../contract.ts';
import type { ByteLine } from '../../serial-line.ts';
import { encodeBits } from '../wiegand-codec.ts';
import { encodePacket, type OsdpPacket, PacketSplitter } from './frame.ts';
import { OsdpKeyStore } from './key-store.ts';
import { Cmd, encodePdId, encodeRaw, Reply } from './messages.ts';
import { OsdpBusDriver } from './osdp-bus-driver.ts';

type Answer = (cmd: OsdpPacket) => Buffer[] | null;

/** What the line does to the reader's answers: lose the next one, deliver each late, or twice. */
interface LineFaults {
  loseNext?: number;
  lateMs?: number;
  duplicate?: boolean;
}

/** A line whose far end is a script: each command the driver writes gets the packets the script returns. */
function scriptedLine(answer: Answer, faults: LineFaults = {}) {
  const splitter = new PacketSplitter();
  const commands: OsdpPacket[] = [];
  let data: (b: Buffer) => void = () => {};
  const line: ByteLine = {
    open: async () => {},
    close: async () => {},
    onData: (h) => {
      data = h;
    },
    onClose: () => {},
    write: (bytes) => {
      for (const { packet } of splitter.push(bytes)) {
        commands.push(packet);
        const replies = answer(packet);
        if (!replies) continue;
        if (faults.loseNext) {
          faults.loseNext--;
          continue;
        }
        const bytes = Buffer.concat(faults.duplicate ? [...replies, ...replies] : replies);
        if (faults.lateMs) setTimeout(() => data(bytes), faults.lateMs);
        else setImmediate(() => data(bytes));
      }
    },
  };
  return { line, commands, faults, inject: (b: Buffer) => data(b) };
}

const reply = (cmd: OsdpPacket, code: number, data: Buffer = Buffer.alloc(0)) =>
  encodePacket({ addr: cmd.addr, reply: true, sqn: cmd.sqn, scb: null, code, data });

/**
 * A plain (no secure channel) reader as the standard has it answer a control panel's bring-up and
 * polls. A command that repeats the last sequence number gets the last answer again, not acted on.
 */
function reader(cards: Buffer[], caps = Buffer.from([4, 1, 1, 5, 1, 1, 9, 1, 0])): Answer {
  // A reader holds its card reads until the panel has finished bringing it up.
  let up = false;
  let last: { sqn: number; replies: Buffer[] } | null = null;
  const answer: Answer = (cmd) => {
    switch (cmd.code) {
      case Cmd.ID:
        return [
          reply(cmd, Reply.PDID, encodePdId({ vendor: 'a1b2c3', model: 1, version: 1, serial: 7, firmware: '1.2.3' })),
        ];
      case Cmd.CAP:
        up = true;
        return [reply(cmd, Reply.PDCAP, caps)];
      case Cmd.POLL: {
        const card = up ? cards.shift() : undefined;
        return [card ? reply(cmd, Reply.RAW, card) : reply(cmd, Reply.ACK)];
      }
      default:
        return [reply(cmd, Reply.ACK)];
    }
  };
  return (cmd) => {
    if (cmd.sqn !== 0 && last?.sqn === cmd.sqn) return last.replies;
    const replies = answer(cmd);
    if (replies) last = { sqn: cmd.sqn, replies };
    return replies;
  };
}

function harness(answer: Answer, clock = { now: 0 }, faults: LineFaults = {}, secure = false) {
  const s = scriptedLine(answer, faults);
  const reads: CardRead[] = [];
  const records: EventInput[] = [];
  const health: string[] = [];
  const ctx: DriverContext = {
    emit: (e) => void records.push(e),
    send: (channel, message) => {
      if (channel === 'card') reads.push(message as CardRead);
    },
    device: () => ({
      ok: () => void health.push('online'),
      failed: (_r, every) => {
        health.push('failed');
        return every;
      },
      degraded: (r) => void health.push(`degraded: ${r}`),
      offline: (r, every) => {
        health.push(`offline: ${r}`);
        return every;
      },
    }),
    log: { debug() {}, info() {}, warn() {}, error() {} } as unknown as DriverContext['log'],
    now: () => clock.now,
  };
  const driver = new OsdpBusDriver(
    { id: 'osdp-1', type: 'osdp', port: '/dev/null', baud_rate: 9600, reply_timeout_ms: 30, offline_after_s: 1 },
    [{ id: 'r1', type: 'osdp', bus: 'osdp-1', address: 1, secure, gate: 'g', direction: 'in' }],
    new OsdpKeyStore(join(mkdtempSync(join(tmpdir(), 'osdp-')), 'keys.json')),
    s.line,
  );
  return { ...s, reads, records, health, ctx, driver };
}

/** Runs a scenario against a started driver, and stops the driver whatever happens. */
async function run(h: ReturnType<typeof harness>, scenario: () => Promise<void>): Promise<void> {
  await h.driver.start(h.ctx);
  try {
    await scenario();
  } finally {
    await h.driver.stop();
  }
}

const until = async (what: string, ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const BITS = encodeBits('w26', 123456);
const card26 = encodeRaw({ reader: 0, format: 1, bits: BITS });

test('brings a reader up with POLL, ID and CAP, then turns a RAW reply into one card read', async () => {
  const h = harness(reader([card26]));
  await run(h, () => until('a card read', () => h.reads.length === 1));
  assert.deepEqual(
    h.commands.slice(0, 4).map((c) => [c.code, c.sqn]),
    [
      [Cmd.POLL, 0],
      [Cmd.ID, 1],
      [Cmd.CAP, 2],
      [Cmd.POLL, 3],
    ],
    'the first command has sequence 0, then 1, 2, 3',
  );
  assert.equal(h.reads[0]!.readerId, 'r1');
  assert.equal(h.reads[0]!.bits, BITS);
  assert.deepEqual(h.health, ['online']);
});

test('a reader that stops answering goes offline after offline_after_s and starts again from sequence 0', async () => {
  const clock = { now: 0 };
  let silent = false;
  const answer = reader([]);
  const h = harness((cmd) => (silent ? null : answer(cmd)), clock);
  let offlineAt = 0;
  await run(h, async () => {
    await until('online', () => h.health.includes('online'));
    silent = true;
    clock.now = 1500;
    await until('offline', () => h.health.some((s) => s.startsWith('offline')));
    offlineAt = h.commands.length;
    silent = false;
    await until('polled again', () => h.commands.length > offlineAt + 1);
  });
  assert.ok(h.health.some((s) => s === 'offline: no reply for 1 s'));
  assert.equal(h.commands[offlineAt]!.sqn, 0, 'a reset reader is addressed from sequence 0');
});

test('garbage and a bad CRC on the line are counted and dropped, and the reader still reads', async () => {
  const h = harness(reader([card26]));
  const good = reply(
    { addr: 1, reply: false, sqn: 1, scb: null, code: Cmd.POLL, data: Buffer.alloc(0), mac: null },
    0x40,
  );
  const badCrc = Buffer.from(good);
  badCrc[badCrc.length - 1]! ^= 0xff;
  await run(h, async () => {
    h.inject(Buffer.concat([Buffer.from('garbage\x00\xff'), badCrc]));
    await until('a card read', () => h.reads.length === 1);
  });
  assert.ok((h.driver.stats().dropped as number) >= 2, `dropped ${h.driver.stats().dropped}`);
});

test('a lost reply: the same command goes again with the same sequence number, and the card is read once', async () => {
  const h = harness(reader([card26]));
  await run(h, async () => {
    await until('online', () => h.health.includes('online'));
    h.faults.loseNext = 1;
    await until('a card read', () => h.reads.length === 1);
    await new Promise((r) => setTimeout(r, 200));
  });
  const numbered = h.commands.filter((c) => c.sqn !== 0);
  const resent = numbered.findIndex(
    (c, i) => i > 0 && c.sqn === numbered[i - 1]!.sqn && c.code === numbered[i - 1]!.code,
  );
  assert.ok(resent > 0, 'the lost command was sent again with its sequence number');
  assert.equal(h.reads.length, 1, 'one card, one read');
  assert.equal(h.driver.stats().resent, 1);
});

test('late and duplicated replies are dropped as stale, never taken for the next command', async () => {
  for (const faults of [{ lateMs: 45 }, { duplicate: true }]) {
    const h = harness(reader([card26, card26]), { now: 0 }, faults);
    await run(h, async () => {
      await until('two card reads', () => h.reads.length === 2, 5000);
      await new Promise((r) => setTimeout(r, 300));
    });
    assert.equal(h.reads.length, 2, `${JSON.stringify(faults)}: each card read once`);
    assert.ok((h.driver.stats().stale as number) > 0, `${JSON.stringify(faults)}: stale replies counted`);
    const ids = h.commands.filter((c) => c.code === Cmd.ID).length;
    assert.ok(ids <= 3, `${JSON.stringify(faults)}: bring-up not thrown off (${ids} ID commands)`);
  }
});

test('a command whose replies stay lost is given up after two resends; the reader restarts from 0, then goes offline', async () => {
  const clock = { now: 0 };
  let silent = false;
  const answer = reader([]);
  const h = harness((cmd) => (silent ? null : answer(cmd)), clock);
  await run(h, async () => {
    await until('online', () => h.health.includes('online'));
    const before = h.commands.length;
    silent = true;
    await until('three tries', () => h.commands.length >= before + 4);
    const tries = h.commands.slice(before, before + 4).map((c) => c.sqn);
    assert.equal(new Set(tries.slice(0, 3)).size, 1, `one command, sent three times: ${tries}`);
    assert.equal(tries[3], 0, 'then the reader is addressed afresh from sequence 0');
    clock.now = 1500;
    await until('offline', () => h.health.some((s) => s.startsWith('offline')));
  });
});

test('a reader that answers everything with NAK is degraded with the reason, never online', async () => {
  const h = harness((cmd) => [reply(cmd, Reply.NAK, Buffer.from([3]))]);
  await run(h, () => until('degraded', () => h.health.some((s) => s.startsWith('degraded'))));
  assert.deepEqual(h.health, [
    'degraded: the reader answers every command with NAK (读卡器拒绝所有指令): unknown command',
  ]);
});

test('a card with a parity error is recorded as unreadable, not read', async () => {
  const bits = encodeBits('w26', 123456);
  const flipped = `${bits.slice(0, 25)}${bits[25] === '1' ? '0' : '1'}`;
  const h = harness(reader([encodeRaw({ reader: 0, format: 1, bits: flipped }), card26]));
  await run(h, () => until('the good card', () => h.reads.length === 1));
  assert.deepEqual(
    h.records.filter((r) => r.type === 'access.unreadable').map((r) => [r.source, r.data.bits, r.severity]),
    [['r1', 26, 'warning']],
  );
  assert.equal(h.driver.stats().unreadable, 1);
});

test('what the reader reports in PDCAP decides: no LED or buzzer commands it lacks, no secure channel it cannot do', async () => {
  const noLights = harness(reader([], Buffer.from([4, 1, 0, 5, 1, 0, 9, 1, 0])));
  await run(noLights, async () => {
    await until('online', () => noLights.health.includes('online'));
    await until('polling', () => noLights.commands.filter((c) => c.code === Cmd.POLL).length > 4);
    noLights.driver.devices().get('r1')!.readerFeedback!.feedback(true, 3000);
    await until('keep-active sent', () => noLights.commands.some((c) => c.code === Cmd.KEEPACTIVE));
  });
  assert.equal(noLights.commands.filter((c) => c.code === Cmd.LED || c.code === Cmd.BUZ).length, 0);

  const plainOnly = harness(reader([], Buffer.from([4, 1, 1, 5, 1, 1, 9, 0, 0])), { now: 0 }, {}, true);
  await run(plainOnly, () => until('refused', () => plainOnly.health.some((s) => s.startsWith('degraded'))));
  assert.deepEqual(plainOnly.health, [
    'online',
    'degraded: the reader reports no secure channel in its capabilities, PDCAP (读卡器不支持安全通道)',
  ]);
  assert.equal(plainOnly.commands.filter((c) => c.code === Cmd.CHLNG).length, 0, 'no handshake attempted');
});

test('a reader whose PDCAP lists no CRC-16 (check character compliance 0) is sent checksums from then on, and its card still reads', async () => {
  // LED 1, buzzer 1, check character: checksum only, no secure channel. It answers as it is asked.
  const answer = reader([card26], Buffer.from([4, 1, 1, 5, 1, 1, 8, 0, 0, 9, 0, 0]));
  const h = harness(
    (cmd) =>
      answer(cmd)?.map((b) => {
        const { packet } = new PacketSplitter().push(b)[0]!;
        return encodePacket({ ...packet, crc: cmd.crc });
      }) ?? null,
  );
  await run(h, () => until('a card read', () => h.reads.length === 1));
  const cap = h.commands.findIndex((c) => c.code === Cmd.CAP);
  assert.deepEqual(
    h.commands.slice(0, cap + 2).map((c) => c.crc),
    [true, true, true, false],
    'CRC until the PDCAP answer, then checksums',
  );
  assert.ok(h.commands.slice(cap + 1).every((c) => c.crc === false));
});

test('a reader that answers a CRC command with a checksum is sent checksums', async () => {
  const answer = reader([card26]);
  const h = harness(
    (cmd) =>
      answer(cmd)?.map((b) => {
        const { packet } = new PacketSplitter().push(b)[0]!;
        return encodePacket({ ...packet, crc: false });
      }) ?? null,
  );
  await run(h, () => until('a card read', () => h.reads.length === 1));
  assert.equal(h.commands[0]!.crc, true);
  assert.ok(h.commands.slice(1).every((c) => c.crc === false));
});
