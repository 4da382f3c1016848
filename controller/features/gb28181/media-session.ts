import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import type { AccessUnit, VideoCodec } from './annexb.ts';
import type { PictureListener, PsSource } from './ps-source.ts';
import { psPack } from './ps-mux.ts';
import { frame4571, RtpPacketizer } from './rtp.ts';
import type { MediaOffer } from './sdp.ts';

/** Bytes queued on a TCP stream before pictures are dropped until the next keyframe (a platform that cannot keep up). */
const MAX_QUEUED = 2 * 1024 * 1024;

/**
 * One platform watching one camera: PS over RTP to where its SDP said, over UDP, or over TCP
 * with RFC 4571 framing, the gateway connecting (platform passive) or listening (platform
 * active). Sending starts at a keyframe, so the platform's decoder starts clean.
 */
export class MediaSession implements PictureListener {
  readonly stats = { packets: 0, bytes: 0, pictures: 0, dropped: 0, firstPacketAt: null as number | null };
  private readonly rtp: RtpPacketizer;
  private udp: UdpSocket | null = null;
  private server: Server | null = null;
  private tcp: TcpSocket | null = null;
  private started = false;
  private sending = false;
  private closed = false;

  constructor(
    readonly offer: MediaOffer,
    private readonly source: PsSource,
    private readonly onEnd: (reason: string) => void,
  ) {
    this.rtp = new RtpPacketizer(Number(offer.ssrc) >>> 0);
  }

  /** Opens the gateway's side and returns the port to put in the answer. */
  async open(host: string): Promise<number> {
    if (this.offer.transport === 'udp') {
      const udp = createSocket('udp4');
      this.udp = udp;
      await new Promise<void>((r) => udp.bind(0, host, r));
      return udp.address().port;
    }
    if (this.offer.setup === 'active') {
      // The platform connects to the gateway.
      const server = createServer((s) => {
        this.tcp?.destroy();
        this.tcp = s;
        s.setNoDelay(true);
        s.on('error', () => {});
      });
      this.server = server;
      await new Promise<void>((r) => server.listen(0, host, r));
      return (server.address() as { port: number }).port;
    }
    // The platform is passive: the gateway connects, once the call is up; its port is chosen then.
    return 9;
  }

  /** The platform acknowledged the answer: the camera's pictures start flowing. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.offer.transport === 'tcp' && this.offer.setup === 'passive') {
      const s = connect(this.offer.port, this.offer.host);
      s.setNoDelay(true);
      s.on('error', (err) => this.end(`TCP to the platform failed: ${err.message}`));
      s.on('close', () => this.end('the platform closed the TCP connection'));
      this.tcp = s;
    }
    try {
      await this.source.add(this);
    } catch (err) {
      this.end((err as Error).message);
    }
  }

  picture(au: AccessUnit, pts90k: number, codec: VideoCodec): void {
    if (this.closed) return;
    if (!this.sending) {
      if (!au.keyframe) return;
      this.sending = true;
    }
    if (this.tcp && this.tcp.writableLength > MAX_QUEUED) {
      this.stats.dropped++;
      this.sending = false;
      return;
    }
    const packets = this.rtp.packets(psPack(au.bytes, pts90k, au.keyframe, codec), pts90k);
    for (const p of packets) {
      if (this.udp) this.udp.send(p, this.offer.port, this.offer.host);
      // A socket still connecting keeps what is written until it is up.
      else if (this.tcp && !this.tcp.destroyed) this.tcp.write(frame4571(p));
      else continue;
      this.stats.packets++;
      this.stats.bytes += p.length;
    }
    this.stats.firstPacketAt ??= Date.now();
    this.stats.pictures++;
  }

  ended(reason: string): void {
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.close();
    this.onEnd(reason);
  }

  /** Stops sending and closes the gateway's side; the camera's pull stops with its last watcher. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.remove(this);
    this.udp?.close();
    this.tcp?.destroy();
    this.server?.close();
  }
}
