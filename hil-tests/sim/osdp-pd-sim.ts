import { randomBytes } from 'node:crypto';
import { SerialPort } from 'serialport';
import { encodeBits } from '../../drivers/access/wiegand-codec.ts';
import { encodePacket, PacketSplitter, type OsdpPacket } from '../../drivers/access/osdp/frame.ts';
import {
  clientUid,
  Cmd,
  encodePdId,
  encodeRaw,
  parseKeySet,
  parseLed,
  Reply,
  Scs,
  type PdId,
} from '../../drivers/access/osdp/messages.ts';
import {
  clientCryptogram,
  initialRmac,
  SCBK_D,
  SecureSession,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from '../../drivers/access/osdp/secure-channel.ts';

/**
 * Faults on the line, as a reader or its wiring produces them: no answer, noise, a broken CRC;
 * `lose-reply`, the command carried out but its answer lost (once); `duplicate`, every answer
 * sent twice; `late`, every answer sent after `lateMs`, when the panel has given up on it;
 * `lose-keyset-ack`, the next KEYSET taken but its ACK and every answer after it lost until the
 * panel starts the reader afresh (sequence 0).
 */
export type PdFault =
  | 'none'
  | 'silent'
  | 'garbage'
  | 'bad-crc'
  | 'lose-reply'
  | 'duplicate'
  | 'late'
  | 'lose-keyset-ack';

/** One simulated reader (a PD) at one address. */
export class OsdpReaderSim {
  /** The key this reader holds; null until the installer's KEYSET (it then answers SCBK-D only). */
  scbk: Buffer | null = null;
  fault: PdFault = 'none';
  /** An older reader: no CRC-16, its PDCAP says so (function 8, compliance 0), and it answers with checksums. */
  checksumOnly = false;
  /** Commands that came with a checksum rather than a CRC. */
  checksumCommands = 0;
  lateMs = 400;
  readonly leds: { color: number; ms: number; at: number }[] = [];
  /** Commands answered with the last reply again, because they repeated its sequence number. */
  repeats = 0;
  /** Answers are lost on the line (see `lose-keyset-ack`). */
  muted = false;
  readonly buzzes: number[] = [];
  keysets = 0;
  /** The durations the CP asked the reader to stay active for (osdp_KEEPACTIVE). */
  readonly keepActive: number[] = [];
  private cards: string[] = [];
  private session: SecureSession | null = null;
  private hs: { keys: SessionKeys; rndA: Buffer; rndB: Buffer } | null = null;
  private lastReply: { sqn: number; bytes: Buffer } | null = null;
  readonly id: PdId;

  constructor(
    readonly address: number,
    serial = 0x1000 + address,
  ) {
    this.id = { vendor: '5a4b01', model: 2, version: 1, serial, firmware: '1.4.2' };
  }

  get secure(): boolean {
    return this.session !== null;
  }

  present(card: number, format: 'w26' | 'w34' = 'w26'): void {
    this.cards.push(encodeBits(format, card));
  }

  /** The PD side of one command; null means stay silent. */
  answer(cmd: OsdpPacket, macInput: Buffer): Buffer | null {
    if (this.fault === 'silent') return null;
    if (cmd.crc === false) this.checksumCommands++;
    if (cmd.sqn === 0) this.muted = false;
    // The same sequence number again: the CP missed our reply, so we repeat it without acting on
    // the command again (OSDP 2.2 §5.7), on the secure channel too: the CP resends the same bytes.
    if (cmd.sqn !== 0 && this.lastReply?.sqn === cmd.sqn) {
      this.repeats++;
      return this.lastReply.bytes;
    }
    let data: Buffer = cmd.data;
    if (cmd.scb && cmd.scb[1]! >= Scs.CMD_MAC) {
      if (!this.session?.verifyCommand(macInput, cmd.mac!)) {
        this.session = null;
        return this.reply(cmd, Reply.NAK, Buffer.from([1]));
      }
      if (cmd.scb[1] === Scs.CMD_ENC) data = this.session.decryptCommand(data);
    } else if (cmd.code !== Cmd.CHLNG && cmd.code !== Cmd.SCRYPT) {
      this.session = null; // a plain command ends any secure session
    }
    switch (cmd.code) {
      case Cmd.POLL: {
        const bits = this.cards.shift();
        return bits
          ? this.reply(cmd, Reply.RAW, encodeRaw({ reader: 0, format: 1, bits }))
          : this.reply(cmd, Reply.ACK);
      }
      case Cmd.ID:
        return this.reply(cmd, Reply.PDID, encodePdId(this.id));
      case Cmd.CAP:
        // LED and buzzer: one each; check character: CRC-16 or not; secure channel: AES-128.
        return this.reply(cmd, Reply.PDCAP, Buffer.from([4, 1, 1, 5, 1, 1, 8, this.checksumOnly ? 0 : 1, 0, 9, 1, 1]));
      case Cmd.LED:
        for (const l of parseLed(data)) this.leds.push({ color: l.color, ms: l.ms, at: Date.now() });
        return this.reply(cmd, Reply.ACK);
      case Cmd.BUZ:
        this.buzzes.push(Date.now());
        return this.reply(cmd, Reply.ACK);
      case Cmd.KEEPACTIVE:
        if (data.length !== 2) return this.reply(cmd, Reply.NAK, Buffer.from([2]));
        this.keepActive.push(data.readUInt16LE(0));
        return this.reply(cmd, Reply.ACK);
      case Cmd.CHLNG: {
        const wantsInstall = cmd.scb?.[2] === 0;
        const key = wantsInstall ? (this.scbk ? null : SCBK_D) : this.scbk;
        if (!key) return this.reply(cmd, Reply.NAK, Buffer.from([5]));
        const rndB = randomBytes(8);
        const keys = sessionKeys(key, data);
        this.hs = { keys, rndA: Buffer.from(data), rndB };
        const body = Buffer.concat([clientUid(this.id), rndB, clientCryptogram(keys, data, rndB)]);
        return this.reply(cmd, Reply.CCRYPT, body, Buffer.from([3, Scs.CCRYPT, wantsInstall ? 0 : 1]));
      }
      case Cmd.SCRYPT: {
        const hs = this.hs;
        if (!hs || !serverCryptogram(hs.keys, hs.rndA, hs.rndB).equals(data))
          return this.reply(cmd, Reply.NAK, Buffer.from([1]));
        const rmac = initialRmac(hs.keys, data);
        this.hs = null;
        const out = this.reply(cmd, Reply.RMAC_I, rmac, Buffer.from([3, Scs.RMAC_I, 1]));
        this.session = new SecureSession(hs.keys, rmac);
        return out;
      }
      case Cmd.KEYSET:
        if (!this.session) return this.reply(cmd, Reply.NAK, Buffer.from([6]));
        this.scbk = parseKeySet(data);
        this.keysets++;
        if (this.fault === 'lose-keyset-ack') {
          this.fault = 'none';
          this.muted = true;
        }
        return this.reply(cmd, Reply.ACK);
      default:
        return this.reply(cmd, Reply.NAK, Buffer.from([3]));
    }
  }

  private reply(cmd: OsdpPacket, code: number, data: Buffer = Buffer.alloc(0), scb: Buffer | null = null): Buffer {
    const s = this.session;
    const secure = s !== null && scb === null;
    const body = secure && data.length ? s.encryptReply(data) : data;
    const block = secure ? Buffer.from([2, data.length ? Scs.REPLY_ENC : Scs.REPLY_MAC]) : scb;
    let bytes = encodePacket(
      { addr: this.address, reply: true, sqn: cmd.sqn, scb: block, code, data: body, crc: !this.checksumOnly },
      secure ? s.macReply : undefined,
    );
    if (this.fault === 'bad-crc') {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 1]! ^= 0xff;
    }
    if (this.fault === 'garbage') bytes = randomBytes(12);
    this.lastReply = { sqn: cmd.sqn, bytes };
    return bytes;
  }
}

/** Several readers sharing one RS-485 line (the far end of a pty pair). */
export class OsdpBusSim {
  private port: SerialPort | null = null;
  private readonly splitter = new PacketSplitter();

  constructor(
    private readonly path: string,
    readonly readers: OsdpReaderSim[],
  ) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.path, baudRate: 9600 }, (err) => (err ? reject(err) : resolve()));
      port.on('error', () => {});
      port.on('data', (d: Buffer) => {
        for (const { packet, macInput } of this.splitter.push(d)) {
          if (packet.reply) continue;
          const pd = this.readers.find((r) => r.address === packet.addr);
          const out = pd?.answer(packet, macInput);
          if (!pd || !out || pd.muted) continue;
          if (pd.fault === 'lose-reply') {
            pd.fault = 'none';
            continue;
          }
          if (pd.fault === 'late') setTimeout(() => port.write(out), pd.lateMs);
          else port.write(pd.fault === 'duplicate' ? Buffer.concat([out, out]) : out);
        }
      });
      this.port = port;
    });
  }

  close(): Promise<void> {
    const p = this.port;
    this.port = null;
    return new Promise((r) => (p?.isOpen ? p.close(() => r()) : r()));
  }
}
