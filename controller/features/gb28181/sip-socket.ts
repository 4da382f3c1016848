import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '../../core/logger.ts';
import { parseSip, SIP_LIMITS, type SipMessage } from './sip-message.ts';

export interface SipPeer {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}
const key = (p: SipPeer) => `${p.transport}:${p.host}:${p.port}`;

/**
 * The gateway's SIP endpoint: one UDP port for every platform, and a TCP connection to each
 * platform that asks for TCP (opened when first needed, again after it drops). Every message
 * is parsed strictly; what does not parse is counted and logged (at most a line a second) and
 * dropped, and a stream that lost its framing is closed.
 */
export class SipSocket {
  readonly stats = { received: 0, sent: 0, malformed: 0, failed: 0 };
  private udp: UdpSocket | null = null;
  private readonly tcp = new Map<string, TcpSocket>();
  private lastComplaint = 0;

  constructor(
    private readonly localPort: number,
    private readonly log: Logger,
    private readonly onMessage: (m: SipMessage, from: SipPeer) => void,
    /** Whose SIP this is, in the log: the platforms' or the alarm centre's. */
    private readonly label = 'gb28181',
  ) {}

  get port(): number {
    return this.udp?.address().port ?? this.localPort;
  }

  open(): Promise<void> {
    const udp = createSocket('udp4');
    this.udp = udp;
    udp.on('message', (bytes, rinfo) =>
      this.datagram(bytes, { host: rinfo.address, port: rinfo.port, transport: 'udp' }),
    );
    udp.on('error', (err) => this.log.warn({ err: err.message }, `${this.label}: UDP socket error`));
    return new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.localPort, () => {
        udp.off('error', reject);
        resolve();
      });
    });
  }

  send(peer: SipPeer, bytes: Buffer): void {
    this.stats.sent++;
    if (peer.transport === 'udp') {
      this.udp?.send(bytes, peer.port, peer.host);
      return;
    }
    this.stream(peer).write(bytes);
  }

  private stream(peer: SipPeer): TcpSocket {
    const open = this.tcp.get(key(peer));
    if (open && !open.destroyed) return open;
    const s = connect(peer.port, peer.host);
    s.setNoDelay(true);
    this.tcp.set(key(peer), s);
    let buffered = Buffer.alloc(0);
    s.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const r = parseSip(buffered, true);
        if (!r.ok) {
          if (!r.incomplete) this.complain(peer, r.error, s);
          else if (buffered.length > SIP_LIMITS.maxBytes) this.complain(peer, 'a message larger than 64 KB', s);
          return;
        }
        buffered = buffered.subarray(r.consumed);
        this.stats.received++;
        this.handle(r.message, peer);
      }
    });
    s.on('error', (err) => this.log.debug({ peer: key(peer), err: err.message }, `${this.label}: TCP error`));
    s.on('close', () => this.tcp.delete(key(peer)));
    return s;
  }

  private datagram(bytes: Buffer, from: SipPeer): void {
    // A keepalive of CRLFs (RFC 5626) is no message.
    if (bytes.length <= 4 && /^[\r\n]*$/.test(bytes.toString('latin1'))) return;
    const r = parseSip(bytes, false);
    if (r.ok) {
      this.stats.received++;
      this.handle(r.message, from);
    } else this.complain(from, r.incomplete ? 'an incomplete datagram' : r.error);
  }

  /** A message that well-formed SIP could still trip a handler with is logged and dropped, never a crash. */
  private handle(m: SipMessage, from: SipPeer): void {
    try {
      this.onMessage(m, from);
    } catch (err) {
      this.stats.failed++;
      this.log.error({ from: key(from), err: (err as Error).message }, `${this.label}: a message could not be handled`);
    }
  }

  private complain(from: SipPeer, reason: string, stream?: TcpSocket): void {
    this.stats.malformed++;
    const now = Date.now();
    if (now - this.lastComplaint >= 1000) {
      this.lastComplaint = now;
      this.log.warn(
        { from: key(from), reason, malformed: this.stats.malformed },
        `${this.label}: malformed SIP message dropped`,
      );
    }
    // Framing is lost: the platform reconnects and starts clean.
    stream?.destroy();
  }

  close(): void {
    this.udp?.close();
    this.udp = null;
    for (const s of this.tcp.values()) s.destroy();
    this.tcp.clear();
  }
}
