// Serial reads wake on time on Node 22 and later (see serial-wakeup.ts).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BusConfig, ReaderConfig } from '../../../controller/config/types.ts';
import type { Capabilities, DeviceHealth, Driver, DriverContext } from '../../contract.ts';
import type { ByteLine } from '../../serial-line.ts';
import { encodePacket, PacketSplitter, type OsdpPacket } from './frame.ts';
import type { OsdpKeyStore } from './key-store.ts';
import {
  buzzer,
  CapFunction,
  Cmd,
  Color,
  keepActive,
  keySet,
  ledTemporary,
  NakReason,
  parsePdCap,
  parsePdId,
  parseRaw,
  Reply,
  Scs,
  type PdCapability,
  type PdId,
} from './messages.ts';
import { cardFromRaw } from './raw-card.ts';
import {
  clientCryptogram,
  initialRmac,
  SCBK_D,
  SecureSession,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from './secure-channel.ts';

type OsdpBus = Extract<BusConfig, { type: 'osdp' }>;
type OsdpReader = Extract<ReaderConfig, { type: 'osdp' }>;
type State = 'reset' | 'id' | 'cap' | 'chlng' | 'scrypt' | 'online' | 'refused';

const KIND = 'card-reader';
const REFUSED_RETRY_MS = 10_000;
const GAP_MS = 5;
/** How many times a command whose reply was lost is sent again, identical, before it is given up. */
const RESENDS = 2;
/** How long an installer's KEYSET waits for a handshake to prove the new key. */
const KEYSET_PROOF_MS = 15_000;
/** NAKs in a row after which a reader that answers, but refuses everything, is degraded. */
const NAKS_DEGRADED = 3;

interface Pd {
  reader: OsdpReader;
  state: State;
  sqn: number;
  queue: { code: number; data: Buffer; done?: (ok: boolean, err?: string) => void }[];
  session: SecureSession | null;
  handshake: {
    rndA: Buffer;
    keys: SessionKeys;
    key: Buffer;
    candidates: Buffer[];
    installKey: boolean;
    rndB?: Buffer;
  } | null;
  /** Handshakes refused in a row: each tries the next way in (the pending key, the reader's key, the install key). */
  keyTries: number;
  /** An installer's KEYSET waiting for a handshake to prove which key the reader now holds. */
  keyset: { key: Buffer; resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | null;
  lastReply: number;
  refusedAt: number;
  id: PdId | null;
  /** null until the first answer or the first offline verdict. */
  online: boolean | null;
  health?: DeviceHealth;
  /** What the reader said it can do (PDCAP); null until it said, or if it would not. */
  caps: ReaderCaps | null;
  /** The check character this reader takes: CRC-16 until it answers with a checksum or its PDCAP says it has no CRC. */
  crc: boolean;
  naksInRow: number;
  /**
   * The command whose reply was lost, to be sent again byte for byte: same sequence number, same
   * MAC, so the reader repeats its reply instead of acting twice or dropping the secure channel.
   */
  resend: { wire: Buffer; sqn: number; done?: (ok: boolean, err?: string) => void; left: number } | null;
}

/** From PDCAP (OSDP 2.2 annex B): LEDs and buzzers per reader, and whether it speaks the secure channel. */
interface ReaderCaps {
  leds: number;
  buzzers: number;
  secure: boolean;
  /** Function 8, check character support: compliance 1 is CRC-16, 0 the checksum only. */
  crc: boolean;
}

function readerCaps(list: PdCapability[]): ReaderCaps {
  const entry = (code: number) => list.find((c) => c.code === code);
  return {
    leds: entry(CapFunction.LED)?.count ?? 0,
    buzzers: entry(CapFunction.AUDIBLE)?.count ?? 0,
    secure: ((entry(CapFunction.SECURITY)?.compliance ?? 0) & 1) === 1,
    // A reader that does not list the function is taken to have CRC, which OSDP 2.x requires.
    crc: (entry(CapFunction.CHECK_CHARACTER)?.compliance ?? 1) !== 0,
  };
}

/** How soon a serial port that would not open is tried again, before the health policy backs off. */
const REOPEN_MS = 200;
/**
 * The OSDP control panel for one RS-485 bus: polls each reader in turn with
 * sequence numbers, brings up the secure channel (the site key from the key
 * store, or SCBK-D in install mode), turns RAW replies into card reads and
 * sends LED and buzzer feedback. A reader silent for offline_after_s is offline.
 */
export class OsdpBusDriver implements Driver {
  readonly kind = 'osdp-bus';
  private ctx!: DriverContext;
  /** Whether the line is open. */
  private open = false;
  private readonly splitter = new PacketSplitter();
  private waiting: {
    addr: number;
    sqn: number;
    resolve: (p: { packet: OsdpPacket; macInput: Buffer } | null) => void;
  } | null = null;
  private readonly pds: Pd[];
  private running = false;
  readonly counters = {
    commands: 0,
    replies: 0,
    timeouts: 0,
    resent: 0,
    stale: 0,
    naks: 0,
    macFailures: 0,
    cards: 0,
    unreadable: 0,
  };

  constructor(
    private readonly bus: OsdpBus,
    readers: OsdpReader[],
    private readonly keys: OsdpKeyStore,
    /** The RS-485 line: a serial port, or a scripted one in tests. */
    private readonly line: ByteLine,
  ) {
    line.onData((d) => this.onData(d));
    line.onClose(() => {
      this.open = false;
      for (const p of this.pds) this.reset(p);
    });
    this.pds = readers.map((reader) => ({
      reader,
      state: 'reset',
      sqn: 0,
      queue: [],
      session: null,
      handshake: null,
      lastReply: 0,
      refusedAt: 0,
      id: null,
      online: null,
      resend: null,
      caps: null,
      crc: true,
      naksInRow: 0,
      keyTries: 0,
      keyset: null,
    }));
  }

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    return new Map(
      this.pds.map(({ reader: { id } }) => [
        id,
        {
          readerFeedback: { feedback: (granted, keepActiveMs) => this.feedback(id, granted, keepActiveMs) },
          secureReader: { state: () => this.secureState(id)!, keyset: () => this.keyset(id) },
        },
      ]),
    );
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.running = true;
    for (const p of this.pds) {
      p.lastReply = ctx.now();
      p.health = ctx.device(p.reader.id, KIND);
    }
    void this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const p of this.pds) this.endKeyset(p, new Error('the controller is stopping'));
    this.waiting?.resolve(null);
    this.open = false;
    await this.line.close();
  }

  stats() {
    return {
      bus: this.bus.id,
      ...this.counters,
      dropped: this.splitter.dropped,
      readers: this.pds.map((p) => ({ id: p.reader.id, state: p.state, secure: p.session !== null, online: p.online })),
    };
  }

  private secureState(readerId: string): { state: State; secure: boolean; installKey: boolean } | undefined {
    const p = this.pds.find((x) => x.reader.id === readerId);
    return (
      p && { state: p.state, secure: p.session !== null, installKey: p.session !== null && !this.keys.get(readerId) }
    );
  }

  /** Green and one beep for a grant, red and two for a denial; a grant also keeps the reader active while the gate is open. */
  private feedback(readerId: string, granted: boolean, keepActiveMs: number): void {
    const p = this.pds.find((x) => x.reader.id === readerId);
    if (p?.state !== 'online') return;
    // Only what the reader has: a command for a missing LED or buzzer is answered with NAK.
    if (p.caps?.leds !== 0)
      p.queue.push({
        code: Cmd.LED,
        data: ledTemporary(0, granted ? Color.green : Color.red, granted ? 15 : 3, granted ? 1500 : 1200),
      });
    if (p.caps?.buzzers !== 0) p.queue.push({ code: Cmd.BUZ, data: granted ? buzzer(0, 1, 0, 1) : buzzer(0, 2, 2, 2) });
    if (granted && keepActiveMs > 0)
      p.queue.push({ code: Cmd.KEEPACTIVE, data: keepActive(Math.min(keepActiveMs, 0xffff)) });
  }

  /**
   * Installer flow: send the reader a new random base key over the secure channel, then prove it
   * with a handshake. The key is kept pending until a handshake shows which key the reader holds,
   * so a lost ACK cannot lock the reader out: every handshake tries the pending key too.
   */
  private keyset(readerId: string): Promise<void> {
    const p = this.pds.find((x) => x.reader.id === readerId);
    if (!p) return Promise.reject(new Error(`no OSDP reader "${readerId}" on ${this.bus.id}`));
    if (!p.session)
      return Promise.reject(new Error(`${readerId} has no secure channel: KEYSET is only sent encrypted`));
    if (p.keyset) return Promise.reject(new Error(`${readerId} is already taking a new key (读卡器正在更换密钥)`));
    const key = randomBytes(16);
    this.keys.setPending(readerId, key);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        p.keyset = null;
        reject(
          new Error(
            `${readerId}: the new key is not confirmed yet; it stays pending and is tried at every handshake (新密钥尚未确认)`,
          ),
        );
      }, KEYSET_PROOF_MS);
      p.keyset = { key, resolve, reject, timer };
      p.queue.push({
        code: Cmd.KEYSET,
        data: keySet(key),
        done: (ok, err) => {
          // A NAK is a refusal: the reader keeps its key. Anything else (no reply, a reset, a bad
          // MAC on the ACK) leaves it unknown, and the next handshake will tell.
          if (!ok && err && Object.values(NakReason).includes(err)) {
            this.keys.settle(readerId);
            this.endKeyset(p, new Error(`${readerId} refused the new key: ${err}`));
            return;
          }
          this.restartSecure(p);
        },
      });
    });
  }

  /** The ways into a reader's secure channel, tried in turn: a pending key and its key, or the install key. */
  private waysIn(readerId: string): { keys: Buffer[]; install: boolean }[] {
    const pending = this.keys.pending(readerId);
    const stored = this.keys.get(readerId);
    const site = [pending, stored].filter((k): k is Buffer => k !== undefined);
    return [
      ...(site.length ? [{ keys: site, install: false }] : []),
      ...(stored ? [] : [{ keys: [SCBK_D], install: true }]),
    ];
  }

  /** A handshake succeeded with `key`: a pending key it proves becomes the reader's, one it disproves goes. */
  private proven(p: Pd, key: Buffer, install: boolean): void {
    const pending = this.keys.pending(p.reader.id);
    if (!pending) return;
    if (!install && key.equals(pending)) {
      this.keys.settle(p.reader.id, pending);
      this.endKeyset(p);
    } else {
      this.keys.settle(p.reader.id);
      this.endKeyset(p, new Error(`${p.reader.id} kept its key: the new one did not take (读卡器未接受新密钥)`));
    }
  }

  private endKeyset(p: Pd, err?: Error): void {
    const k = p.keyset;
    if (!k) return;
    p.keyset = null;
    clearTimeout(k.timer);
    if (err) k.reject(err);
    else k.resolve();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.open) {
        await this.connect();
        continue;
      }
      for (const p of this.pds) {
        if (!this.running || !this.open) break;
        await this.exchange(p);
        await sleep(GAP_MS);
      }
    }
  }

  private async connect(): Promise<void> {
    const ok = await this.line.open().then(
      () => true,
      () => false,
    );
    if (!ok) {
      const waits = this.pds.map((p) => p.health!.offline(`cannot open ${this.bus.port}`, REOPEN_MS));
      await sleep(Math.min(...waits));
      return;
    }
    this.splitter.reset();
    this.open = true;
  }

  private onData(d: Buffer): void {
    for (const got of this.splitter.push(d)) {
      if (!got.packet.reply) continue;
      // A reply carries its command's address and sequence number. Any other is a late or repeated
      // answer to an earlier command, or one nobody waits for, and acting on it would act twice.
      const w = this.waiting;
      if (!w || got.packet.addr !== w.addr || got.packet.sqn !== w.sqn) {
        this.counters.stale++;
        continue;
      }
      this.waiting = null;
      w.resolve(got);
    }
  }

  /** The next command for a reader, encoded: its bytes, its sequence number, and who waits for its outcome. */
  private build(p: Pd): { wire: Buffer; sqn: number; done?: (ok: boolean, err?: string) => void; left: number } | null {
    const cmd = this.next(p);
    if (!cmd) return null;
    const s = p.session;
    const data = s && cmd.data.length ? s.encryptCommand(cmd.data) : cmd.data;
    const sqn = p.state === 'reset' ? 0 : p.sqn;
    const wire = encodePacket(
      { addr: p.reader.address, reply: false, sqn, scb: cmd.scb, code: cmd.code, data, crc: p.crc },
      s ? s.macCommand : undefined,
    );
    return { wire, sqn, done: cmd.done, left: RESENDS };
  }

  private next(
    p: Pd,
  ): { code: number; data: Buffer; scb: Buffer | null; done?: (ok: boolean, err?: string) => void } | null {
    switch (p.state) {
      case 'reset':
        return { code: Cmd.POLL, data: Buffer.alloc(0), scb: null };
      case 'id':
        return { code: Cmd.ID, data: Buffer.from([0]), scb: null };
      case 'cap':
        return { code: Cmd.CAP, data: Buffer.from([0]), scb: null };
      case 'chlng': {
        const ways = this.waysIn(p.reader.id);
        const way = ways[p.keyTries % ways.length]!;
        const rndA = randomBytes(8);
        p.handshake = {
          rndA,
          keys: sessionKeys(way.keys[0]!, rndA),
          key: way.keys[0]!,
          candidates: way.keys,
          installKey: way.install,
        };
        return { code: Cmd.CHLNG, data: rndA, scb: Buffer.from([3, Scs.CHLNG, way.install ? 0 : 1]) };
      }
      case 'scrypt': {
        const h = p.handshake!;
        return {
          code: Cmd.SCRYPT,
          data: serverCryptogram(h.keys, h.rndA, h.rndB!),
          scb: Buffer.from([3, Scs.SCRYPT, h.installKey ? 0 : 1]),
        };
      }
      case 'refused':
        if (this.ctx.now() - p.refusedAt < REFUSED_RETRY_MS) return null;
        p.state = 'chlng';
        return this.next(p);
      case 'online': {
        const q = p.queue.shift() ?? { code: Cmd.POLL, data: Buffer.alloc(0) };
        const scb = p.session ? Buffer.from([2, q.data.length ? Scs.CMD_ENC : Scs.CMD_MAC]) : null;
        return { ...q, scb };
      }
    }
  }

  private async exchange(p: Pd): Promise<void> {
    const sent = p.resend ?? this.build(p);
    if (!sent) return;
    if (p.resend) this.counters.resent++;
    p.resend = null;
    this.counters.commands++;
    const reply = await this.transact(p.reader.address, sent.wire, sent.sqn);
    if (!reply) {
      this.counters.timeouts++;
      // Sequence 0 restarts the reader's numbering; it is not repeated, it is simply sent again.
      if (sent.left > 0 && sent.sqn !== 0) p.resend = { ...sent, left: sent.left - 1 };
      else {
        sent.done?.(false, 'no reply');
        // A reader that missed a command three times is addressed afresh from sequence 0: the next
        // command with the same number would get the lost command's reply.
        if (sent.sqn !== 0) this.reset(p);
      }
      this.checkOffline(p);
      return;
    }
    const cmd = sent;
    this.counters.replies++;
    p.lastReply = this.ctx.now();
    // A reader that answers is not offline; it is online once it answers with something but NAK.
    if (reply.packet.code !== Reply.NAK && (!p.online || p.naksInRow >= NAKS_DEGRADED)) p.health!.ok();
    if (reply.packet.code !== Reply.NAK) p.naksInRow = 0;
    p.online = true;
    try {
      this.handle(p, reply.packet, reply.macInput, cmd.done);
    } catch (err) {
      this.ctx.log.warn({ reader: p.reader.id, err: (err as Error).message }, 'osdp reply rejected');
      cmd.done?.(false, (err as Error).message);
    }
  }

  /** From now on this reader's commands end in a checksum, as older readers need. */
  private useChecksum(p: Pd, why: string): void {
    p.crc = false;
    this.ctx.log.info({ reader: p.reader.id, why }, 'reader uses checksums, not CRC-16: sending checksums');
  }

  private handle(p: Pd, r: OsdpPacket, macInput: Buffer, done?: (ok: boolean, err?: string) => void): void {
    let data = r.data;
    if (r.crc === false && p.crc) this.useChecksum(p, 'it answers with a checksum');
    if (p.session && r.scb && r.scb[1]! >= Scs.REPLY_MAC) {
      if (!p.session.verifyReply(macInput, r.mac!)) {
        this.counters.macFailures++;
        this.restartSecure(p);
        throw new Error('reply MAC check failed: secure channel restarted');
      }
      if (r.scb[1] === Scs.REPLY_ENC) data = p.session.decryptReply(data);
    } else if (p.session && r.code !== Reply.NAK) {
      throw new Error('plain reply on a secure channel');
    }
    p.sqn = (p.sqn % 3) + 1;
    if (r.code === Reply.NAK) {
      this.counters.naks++;
      const reason = NakReason[data[0] ?? 0] ?? `code ${data[0]}`;
      done?.(false, reason);
      if (++p.naksInRow === NAKS_DEGRADED)
        p.health!.degraded(`the reader answers every command with NAK (读卡器拒绝所有指令): ${reason}`);
      if (p.state === 'chlng' || p.state === 'scrypt') {
        this.refuse(p, `secure channel refused by the reader: ${reason}`);
        return;
      }
      if (data[0] === 4 || data[0] === 6 || data[0] === 1) this.reset(p);
      return;
    }
    switch (p.state) {
      case 'reset':
        p.state = 'id';
        return;
      case 'id':
        if (r.code === Reply.PDID) p.id = parsePdId(data);
        p.state = 'cap';
        return;
      case 'cap':
        p.caps = r.code === Reply.PDCAP ? readerCaps(parsePdCap(data)) : null;
        if (p.caps && !p.caps.crc && p.crc) this.useChecksum(p, 'its PDCAP lists no CRC-16');
        if (p.reader.secure && p.caps && !p.caps.secure) {
          this.refuse(p, 'the reader reports no secure channel in its capabilities, PDCAP (读卡器不支持安全通道)');
          return;
        }
        p.state = p.reader.secure ? 'chlng' : 'online';
        if (!p.reader.secure) this.announce(p);
        return;
      case 'chlng': {
        const h = p.handshake!;
        if (r.code !== Reply.CCRYPT || data.length !== 32) {
          this.refuse(p, 'no CCRYPT in answer to CHLNG');
          return;
        }
        const rndB = Buffer.from(data.subarray(8, 16));
        h.rndB = rndB;
        // The reader's cryptogram shows which of the keys it may hold it used: no extra round trip.
        const key = h.candidates.find((k) =>
          clientCryptogram(sessionKeys(k, h.rndA), h.rndA, rndB).equals(data.subarray(16, 32)),
        );
        if (key) {
          h.key = key;
          h.keys = sessionKeys(key, h.rndA);
        } else {
          p.keyTries++;
          this.refuse(
            p,
            h.installKey ? 'the reader does not accept the install key (SCBK-D)' : 'the reader holds a different key',
          );
          return;
        }
        p.state = 'scrypt';
        return;
      }
      case 'scrypt': {
        const h = p.handshake!;
        const expected = initialRmac(h.keys, serverCryptogram(h.keys, h.rndA, h.rndB!));
        if (r.code !== Reply.RMAC_I || !data.equals(expected)) {
          this.refuse(p, 'RMAC_I did not verify');
          return;
        }
        p.session = new SecureSession(h.keys, expected);
        p.handshake = null;
        p.state = 'online';
        p.keyTries = 0;
        this.proven(p, h.key, h.installKey);
        this.announce(p);
        return;
      }
      case 'online':
        if (r.code === Reply.RAW) this.card(p, data);
        done?.(true);
        return;
      default:
    }
  }

  private announce(p: Pd): void {
    this.ctx.emit({
      topic: 'events/device',
      type: 'osdp.online',
      source: p.reader.id,
      data: { secure: p.session !== null, installKey: p.session !== null && !this.keys.get(p.reader.id), id: p.id },
    });
  }

  private refuse(p: Pd, why: string): void {
    p.state = 'refused';
    p.refusedAt = this.ctx.now();
    p.session = null;
    p.health!.degraded(why);
    this.ctx.emit({
      topic: 'events/device',
      type: 'osdp.secure-channel-refused',
      source: p.reader.id,
      severity: 'warning',
      data: { reason: why },
    });
  }

  private card(p: Pd, data: Buffer): void {
    const raw = parseRaw(data);
    let read: { card: string; format: string };
    try {
      read = cardFromRaw(raw);
    } catch (err) {
      // A card swiped too fast or a damaged one: recorded, so a reader that misreads often shows.
      this.counters.unreadable++;
      this.ctx.emit({
        topic: 'events/access',
        type: 'access.unreadable',
        source: p.reader.id,
        severity: 'warning',
        data: { bits: raw.bits.length, reason: (err as Error).message },
      });
      return;
    }
    const { card, format } = read;
    this.counters.cards++;
    this.ctx.send('card', { readerId: p.reader.id, card, bits: raw.bits, format, at: performance.now() });
  }

  /** A command waiting to be sent again cannot outlive the session or the numbering it was made for. */
  private dropResend(p: Pd, why: string): void {
    p.resend?.done?.(false, why);
    p.resend = null;
  }

  private restartSecure(p: Pd): void {
    this.dropResend(p, 'secure channel restarted');
    p.session = null;
    p.handshake = null;
    p.state = p.reader.secure ? 'chlng' : 'online';
  }

  private reset(p: Pd): void {
    this.dropResend(p, 'reader reset');
    p.state = 'reset';
    p.sqn = 0;
    p.session = null;
    p.handshake = null;
    for (const q of p.queue.splice(0)) q.done?.(false, 'reader reset');
  }

  private checkOffline(p: Pd): void {
    if (this.ctx.now() - p.lastReply < this.bus.offline_after_s * 1000) return;
    if (p.online !== false) {
      p.online = false;
      p.health!.offline(`no reply for ${this.bus.offline_after_s} s`, this.bus.offline_after_s * 1000);
    }
    this.reset(p);
  }

  private transact(addr: number, wire: Buffer, sqn: number): Promise<{ packet: OsdpPacket; macInput: Buffer } | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiting?.addr === addr) this.waiting = null;
        resolve(null);
      }, this.bus.reply_timeout_ms);
      this.waiting = {
        addr,
        sqn,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      this.line.write(wire);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
