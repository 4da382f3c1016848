import type { Gb28181Config, Gb28181Platform, SiteConfig } from '../../config/types.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { MediaSession } from './media-session.ts';
import { PsSource } from './ps-source.ts';
import { answer, type MediaOffer, parseOffer } from './sdp.ts';
import { branch } from './sip-dialogs.ts';
import { header, type SipHeader, type SipRequest, writeSip } from './sip-message.ts';
import type { SipPeer } from './sip-socket.ts';

/** Answers one request; every answer carries the same To tag, and the bytes sent are returned. */
export type Reply = ((status: number, reason: string, extra?: SipHeader[], body?: Buffer) => Buffer) & {
  tag: string;
};

export interface CallDeps {
  site: SiteConfig;
  gb: Gb28181Config;
  log: Logger;
  pipeline: Pipeline;
  /** A camera's RTSP stream with its credentials, or null when it is not known yet. */
  streamUrl(camera: string): string | null;
  /** The gateway's address towards a platform, and its SIP port. */
  local(platform: string): { host: string; port: number };
  peer(platform: string): SipPeer;
  send(peer: SipPeer, bytes: Buffer): void;
}

interface Call {
  platform: string;
  camera: string;
  invite: SipRequest;
  tag: string;
  session: MediaSession;
  /** Until the ACK: the 200 OK sent again over UDP (RFC 3261 §13.3.1.4), and the call ended if none comes. */
  unacked: NodeJS.Timeout[];
}

/** A 200 OK no ACK answers is sent again at these times; none by the last ends the call with a BYE. */
const RESEND_OK_MS = [500, 1500, 3500, 7500];
const NO_ACK_MS = 10_000;

/**
 * Platforms watching cameras (GB/T 28181 §9.2): an INVITE for a camera channel is answered with
 * the gateway's SDP, the video starts at the ACK, and a BYE from either side ends it. One RTSP
 * pull per camera serves every platform watching it.
 */
export class LiveCalls {
  readonly calls = new Map<string, Call>();
  private readonly sources = new Map<string, PsSource>();

  constructor(private readonly d: CallDeps) {}

  tagOf(callId: string): string | undefined {
    return this.calls.get(callId)?.tag;
  }

  /** The cameras being pulled, and how many platform sessions each serves. */
  get watching(): Record<string, number> {
    return Object.fromEntries([...this.sources].filter(([, s]) => s.watching).map(([c, s]) => [c, s.watching]));
  }

  async invite(platform: Gb28181Platform, req: SipRequest, from: SipPeer, reply: Reply): Promise<void> {
    const channel = /^sips?:(\d{20})@/.exec(req.uri)?.[1] ?? '';
    const camera = Object.entries(platform.channels).find(
      ([dev, id]) => id === channel && this.d.site.video.cameras.some((c) => c.id === dev),
    )?.[0];
    if (!camera) {
      reply(404, 'Not Found');
      return;
    }
    // Each call holds a socket and a share of the CPU: a platform cannot open them without end.
    if (this.calls.size >= this.d.gb.max_video_calls) {
      this.d.log.warn(
        { platform: platform.id, calls: this.calls.size },
        'gb28181: video call refused, the gateway is at its limit',
      );
      reply(486, 'Busy Here');
      return;
    }
    let offer: MediaOffer;
    try {
      offer = parseOffer(req.body.toString('latin1'));
    } catch (err) {
      this.d.log.warn(
        { platform: platform.id, reason: (err as Error).message },
        'gb28181: an INVITE whose SDP cannot be used',
      );
      reply(488, 'Not Acceptable Here');
      return;
    }
    reply(100, 'Trying');
    const callId = header(req, 'call-id')!;
    let source = this.sources.get(camera);
    if (!source) {
      source = new PsSource(camera, () => this.d.streamUrl(camera), this.d.log);
      this.sources.set(camera, source);
    }
    const session = new MediaSession(offer, source, (reason) => this.hangUp(callId, reason));
    const { host, port } = this.d.local(platform.id);
    let mediaPort: number;
    try {
      mediaPort = await session.open(host);
    } catch (err) {
      this.d.log.warn({ platform: platform.id, reason: (err as Error).message }, 'gb28181: no media port');
      reply(500, 'Server Internal Error');
      return;
    }
    const call: Call = { platform: platform.id, camera, invite: req, tag: reply.tag, session, unacked: [] };
    this.calls.set(callId, call);
    const ok = reply(
      200,
      'OK',
      [
        ['contact', `<sip:${channel}@${host}:${port}>`],
        ['content-type', 'APPLICATION/SDP'],
      ],
      Buffer.from(answer(offer, channel, host, mediaPort), 'latin1'),
    );
    if (from.transport === 'udp')
      for (const at of RESEND_OK_MS) call.unacked.push(setTimeout(() => this.d.send(from, ok), at));
    call.unacked.push(
      setTimeout(() => this.hangUp(callId, 'the platform never acknowledged the answer (no ACK)'), NO_ACK_MS),
    );
    this.record(
      call,
      'started',
      `${offer.transport}${offer.setup ? ` ${offer.setup}` : ''} to ${offer.host}:${offer.port}`,
    );
  }

  /** The platform acknowledged the answer: the camera's pictures start flowing. A repeated ACK changes nothing. */
  ack(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    for (const t of call.unacked.splice(0)) clearTimeout(t);
    void call.session.start();
  }

  /** The platform hung up: true when the call was ours. */
  bye(callId: string): boolean {
    if (!this.calls.has(callId)) return false;
    this.end(callId, 'the platform hung up');
    return true;
  }

  /** The gateway ends a call (the camera failed, or the gateway stops): a BYE to the platform first. */
  hangUp(callId: string, reason: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    const peer = this.d.peer(call.platform);
    const { host, port } = this.d.local(call.platform);
    const from = header(call.invite, 'from') ?? '';
    this.d.send(
      peer,
      writeSip({
        kind: 'request',
        method: 'BYE',
        uri: /<([^>]+)>/.exec(header(call.invite, 'contact') ?? from)?.[1] ?? `sip:${call.platform}`,
        headers: [
          ['via', `SIP/2.0/${peer.transport.toUpperCase()} ${host}:${port};rport;branch=${branch()}`],
          ['from', `${header(call.invite, 'to') ?? ''};tag=${call.tag}`],
          ['to', from],
          ['call-id', callId],
          ['cseq', '1 BYE'],
          ['max-forwards', '70'],
        ],
        body: Buffer.alloc(0),
      }),
    );
    this.end(callId, reason);
  }

  stop(): void {
    for (const callId of [...this.calls.keys()]) this.hangUp(callId, 'the gateway is stopping');
  }

  private end(callId: string, reason: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    for (const t of call.unacked) clearTimeout(t);
    call.session.close();
    this.record(call, 'ended', reason);
  }

  private record(call: Call, state: 'started' | 'ended', detail: string): void {
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.media',
      source: call.platform,
      severity: 'info',
      data: { platform: call.platform, camera: call.camera, state, detail },
    });
  }
}
