import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import type { Gb28181Config, Gb28181Platform, SiteConfig } from '../../config/types.ts';
import type { CommandBus } from '../../core/commands.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { type Manscdp, writeManscdp } from './manscdp.ts';
import type { PlatformLink } from './platform-link.ts';
import { header, type SipRequest, type SipResponse } from './sip-message.ts';

/** No speech for this long ends a broadcast: a platform that went away must not hold the PA. */
const SILENCE_MS = 30_000;
const CODECS = { 8: 'alaw', 0: 'mulaw' } as const;

export interface BroadcastDeps {
  site: SiteConfig;
  gb: Gb28181Config;
  log: Logger;
  pipeline: Pipeline;
  commands: CommandBus;
  live: LiveInputs;
  local(platform: string): { host: string; port: number };
}

interface Broadcast {
  platform: string;
  link: PlatformLink;
  zones: string[];
  socket: UdpSocket;
  invite: SipRequest | null;
  ok: SipResponse | null;
  input: PassThrough | null;
  silence: NodeJS.Timeout | null;
  ssrc: number | null;
  packets: number;
  ended: boolean;
}

/** The gateway's audio offer: G.711 A-law or μ-law to its port, as annex F's broadcast asks. */
function offer(target: string, host: string, port: number): Buffer {
  const ssrc = `0${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  return Buffer.from(
    [
      'v=0',
      `o=${target} 0 0 IN IP4 ${host}`,
      's=Play',
      `c=IN IP4 ${host}`,
      't=0 0',
      `m=audio ${port} RTP/AVP 8 0`,
      'a=recvonly',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      `y=${ssrc}`,
      'f=v/////a/1/8/1',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** The payload type the platform's answer chose, if it is G.711 over UDP (what the gateway offered). */
function chosen(sdp: string): 8 | 0 | null {
  const list = /^m=audio \d+ RTP\/AVP ([\d ]+)\r?$/m.exec(sdp)?.[1] ?? '';
  // An empty list is no payload type at all, not type 0.
  const pt = list
    .split(' ')
    .filter(Boolean)
    .map(Number)
    .find((p) => p === 8 || p === 0);
  return pt === 8 || pt === 0 ? pt : null;
}

/**
 * A platform's voice broadcast (GB/T 28181 §9.12): the platform's Broadcast notification names
 * its audio source and the target (a PA zone's channel, or the gateway for every zone the
 * platform has); the gateway says OK, invites the source for G.711 and plays what comes to
 * the zones through the PA, at announcement priority, so an emergency still cuts it.
 */
export class VoiceBroadcasts {
  readonly active = new Map<string, Broadcast>();

  constructor(private readonly d: BroadcastDeps) {}

  /** The Broadcast notification: answered, then the audio call placed; the outcome is for the query's record. */
  async notify(platform: Gb28181Platform, link: PlatformLink, q: Manscdp): Promise<{ ok: boolean; detail: string }> {
    const target = q.deviceId;
    const source = String(q.fields.SourceID);
    const paZones = new Set(this.d.site.pa.zones.map((z) => z.id));
    const zones = Object.entries(platform.channels)
      .filter(([dev, id]) => paZones.has(dev) && (target === this.d.gb.device_id || id === target))
      .map(([dev]) => dev);
    const refuse = async (detail: string) => {
      await link.message(this.response(q, target, 'ERROR', platform)).catch(() => null);
      return { ok: false, detail };
    };
    if (!zones.length) return refuse(`no PA zone has channel ${target}`);
    if (this.active.size) return refuse('a voice broadcast is already playing');
    await link.message(this.response(q, target, 'OK', platform)).catch(() => null);

    const { host } = this.d.local(platform.id);
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, host, r));
    const b: Broadcast = {
      platform: platform.id,
      link,
      zones,
      socket,
      invite: null,
      ok: null,
      input: null,
      silence: null,
      ssrc: null,
      packets: 0,
      ended: false,
    };
    let call: { request: SipRequest; response: SipResponse };
    try {
      call = await link.invite(source, target, `${source}:0,${target}:0`, offer(target, host, socket.address().port));
    } catch (err) {
      socket.close();
      return { ok: false, detail: `the audio call got no answer: ${(err as Error).message}` };
    }
    if (call.response.status !== 200) {
      socket.close();
      return { ok: false, detail: `the platform refused the audio call: ${call.response.status}` };
    }
    const callId = header(call.request, 'call-id')!;
    b.invite = call.request;
    b.ok = call.response;
    this.active.set(callId, b);
    void link.inDialog('ACK', call.request, call.response);
    const pt = chosen(call.response.body.toString('latin1'));
    if (pt === null) return this.hangUp(callId, 'the platform answered without G.711 audio over UDP');

    const input = new PassThrough();
    b.input = input;
    // The PA let go of it (an emergency cut in, or it failed): the platform is told with a BYE.
    input.once('close', () => this.hangUp(callId, 'the PA stopped the broadcast'));
    socket.on('message', (m) => this.audio(callId, b, m, pt));
    this.quiet(callId, b);
    const r = await this.d.commands.execute(
      {
        name: 'pa.live',
        args: { input: this.d.live.offer({ codec: CODECS[pt], input }), zones, label: `${platform.id} 语音广播` },
      },
      { kind: 'platform', name: platform.id },
    );
    const state = (r.result as { state?: string } | undefined)?.state;
    if (!r.ok || state !== 'playing') {
      const why = r.ok ? `the PA is busy (${state})` : (r.error ?? 'refused');
      this.hangUp(callId, why);
      return { ok: false, detail: why };
    }
    this.record(b, 'started', `${CODECS[pt]} to ${zones.join(', ')}`);
    return { ok: true, detail: `playing to ${zones.join(', ')}` };
  }

  private audio(callId: string, b: Broadcast, m: Buffer, pt: number): void {
    // RTP version 2, the payload type agreed, one source: anything else is not this call's speech.
    if (m.length <= 12 || m[0]! >> 6 !== 2 || (m[1]! & 0x7f) !== pt) return;
    const ssrc = m.readUInt32BE(8);
    if (b.ssrc !== null && ssrc !== b.ssrc) return;
    b.ssrc = ssrc;
    const skip = 12 + 4 * (m[0]! & 0x0f);
    if (skip >= m.length) return;
    b.packets++;
    b.input?.write(m.subarray(skip));
    this.quiet(callId, b);
  }

  private quiet(callId: string, b: Broadcast): void {
    if (b.silence) clearTimeout(b.silence);
    b.silence = setTimeout(
      () => this.hangUp(callId, `no audio from the platform for ${SILENCE_MS / 1000} s`),
      SILENCE_MS,
    );
  }

  private response(q: Manscdp, target: string, result: 'OK' | 'ERROR', platform: Gb28181Platform): Buffer {
    return writeManscdp(
      { root: 'Response', cmdType: 'Broadcast', sn: q.sn, deviceId: target, fields: { Result: result } },
      platform.encoding,
    );
  }

  /** The platform hung up: true when the call was a broadcast. */
  bye(callId: string): boolean {
    const b = this.active.get(callId);
    if (!b) return false;
    this.end(callId, b, 'the platform ended the broadcast');
    return true;
  }

  /** The gateway ends a broadcast: a BYE to the platform, then the PA's input ends. */
  hangUp(callId: string, reason: string): { ok: boolean; detail: string } {
    const b = this.active.get(callId);
    if (b && !b.ended) {
      void b.link.inDialog('BYE', b.invite!, b.ok!);
      this.end(callId, b, reason);
    }
    return { ok: false, detail: reason };
  }

  private end(callId: string, b: Broadcast, reason: string): void {
    b.ended = true;
    this.active.delete(callId);
    if (b.silence) clearTimeout(b.silence);
    b.socket.close();
    // The end of the input lets the PA finish what it has, then free the zones.
    b.input?.end();
    this.record(b, 'ended', `${reason} (${b.packets} packets)`);
  }

  stop(): void {
    for (const callId of [...this.active.keys()]) this.hangUp(callId, 'the gateway is stopping');
  }

  private record(b: Broadcast, state: 'started' | 'ended', detail: string): void {
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.broadcast',
      source: b.platform,
      severity: 'info',
      data: { platform: b.platform, zones: b.zones, state, detail },
    });
  }
}
