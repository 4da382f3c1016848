import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import type { SiteConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { CommandBus } from '../../core/commands.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { StoredEvent } from '../../core/types.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { type AudioAnswer, audioOffer, parseAudioAnswer } from './audio-sdp.ts';
import { AudioRtpWriter, readRtp } from './audio-rtp.ts';
import { CentreLink, centrePeer } from './centre-link.ts';
import { encodeG711, G711_PT, transcodeG711 } from './g711.ts';
import { StationMicrophone } from './station-microphone.ts';
import { utf8Header } from '../gb28181/sip-message.ts';

type Centre = NonNullable<SiteConfig['alarm_centre']>;
type Button = SiteConfig['emergency_buttons'][number];
type Station = NonNullable<Button['talkback']>;
interface RaisedAlarm {
  id: string;
  key: string;
  source: string;
  raisedAt: number;
}

/** The address this host's route to the centre leaves from: what goes in the SDP and the Via. */
function routeAddress(host: string, port: number): Promise<string> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.connect(port, host, () => {
      const { address } = s.address();
      s.close();
      resolve(address);
    });
  });
}

const bound = (host: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => resolve(s));
  });

/**
 * Talk-back on an emergency press (GB/T 29315, the police alarm centres' rules): the button's
 * station calls the alarm centre over SIP with two-way G.711. The station's microphone goes to
 * the centre; the centre's voice goes to the station's speaker and, where set, to PA zones. A
 * centre that is busy or does not answer is called again, up to `attempts` times. Every call,
 * answered or not, is recorded and listed on the alarm.
 */
export class TalkbackService {
  private link: CentreLink | null = null;
  private host = '';
  private readonly microphones = new Map<string, StationMicrophone>();
  private readonly active = new Map<string, (reason: string) => void>();
  private readonly sessions = new Set<Promise<void>>();
  private stopped = false;
  readonly counts = { calls: 0, answered: 0, failed: 0 };

  constructor(
    private readonly d: {
      site: SiteConfig;
      centre: Centre;
      gateway: string;
      pipeline: Pipeline;
      alarms: AlarmManager;
      commands: CommandBus;
      live: LiveInputs;
      streamUrl(camera: string): string | null;
      credentials?: { username: string; password: string };
      log: Logger;
    },
  ) {
    for (const b of d.site.emergency_buttons) {
      const mic = b.talkback?.microphone;
      if (mic && !this.microphones.has(mic))
        this.microphones.set(mic, new StationMicrophone(mic, () => d.streamUrl(mic), d.log));
    }
  }

  async start(): Promise<void> {
    const c = this.d.centre;
    const peer = centrePeer(c.uri);
    this.host = c.local_host ?? (await routeAddress(peer.host, peer.port));
    this.link = new CentreLink({
      uri: c.uri,
      sipPort: c.sip_port,
      host: this.host,
      fromUser: c.from_user ?? this.d.gateway,
      ringTimeoutMs: c.ring_timeout_s * 1000,
      ...(this.d.credentials ? { credentials: this.d.credentials } : {}),
      log: this.d.log,
    });
    await this.link.open();
    for (const m of this.microphones.values()) m.start();
  }

  /** Ends the call an alarm has up; false when it has none. */
  hangUp(alarmId: string, by: string): boolean {
    const end = this.active.get(alarmId);
    end?.(`ended by ${by}`);
    return end !== undefined;
  }

  status(): Record<string, unknown> {
    return {
      centre: this.d.centre.uri,
      inCall: this.active.size,
      ...this.counts,
      microphones: Object.fromEntries([...this.microphones].map(([id, m]) => [id, m.open ? 'open' : 'closed'])),
      sip: this.link?.stats ?? null,
    };
  }

  onRecords(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type !== 'alarm.raised' || this.stopped) continue;
      const alarm = e.data.alarm as RaisedAlarm & { type: string };
      if (alarm.type !== 'emergency.button' || this.active.has(alarm.id)) continue;
      const button = this.d.site.emergency_buttons.find((b) => b.id === alarm.source);
      if (!button?.talkback) continue;
      const s = this.session(alarm, button, button.talkback).finally(() => this.sessions.delete(s));
      this.sessions.add(s);
    }
  }

  private async session(alarm: RaisedAlarm, button: Button, station: Station): Promise<void> {
    const c = this.d.centre;
    for (let attempt = 1; attempt <= c.attempts && !this.stopped; attempt++) {
      if (await this.callOnce(alarm, button, station, attempt)) return;
      if (attempt < c.attempts) await new Promise((r) => setTimeout(r, c.redial_s * 1000));
    }
  }

  private record(alarm: RaisedAlarm, button: Button, state: string, data: Record<string, unknown>, failed = false) {
    this.d.pipeline.emit({
      topic: 'events/emergency',
      type: 'talkback.call',
      source: button.id,
      severity: failed ? 'major' : 'info',
      data: { alarm: alarm.key, alarmId: alarm.id, button: button.id, centre: this.d.centre.uri, state, ...data },
    });
  }

  /** One call; true when the centre answered it (whoever hung up), false to call again. */
  private async callOnce(alarm: RaisedAlarm, button: Button, station: Station, attempt: number): Promise<boolean> {
    const link = this.link!;
    const rtp = await bound(this.host);
    const codecs = this.d.centre.codecs;
    this.counts.calls++;
    this.record(alarm, button, 'calling', { attempt });
    const fail = (status: number | null, detail: string) => {
      rtp.close();
      this.counts.failed++;
      this.record(alarm, button, 'failed', { attempt, status, detail }, true);
      this.d.alarms.attach(alarm.id, 'calls', { attempt, ok: false, status, detail, at: Date.now() });
      return false;
    };
    let hungUp!: (reason: string) => void;
    const ended = new Promise<string>((r) => {
      hungUp = r;
    });
    const out = await link.call(
      audioOffer(this.host, rtp.address().port, codecs, randomInt(1, 2 ** 31)),
      utf8Header(`${button.name} 一键报警`),
      (reason) => hungUp(reason),
    );
    if (!out.ok) return fail(out.status, out.detail);
    let answer: AudioAnswer;
    try {
      answer = parseAudioAnswer(out.dialog.ok.body.toString('latin1'), codecs);
    } catch (err) {
      await link.hangUp(out.dialog);
      return fail(200, (err as Error).message);
    }
    if (this.stopped) {
      await link.hangUp(out.dialog);
      return fail(200, 'the gateway stopped');
    }
    this.active.set(alarm.id, hungUp);
    const answeredAt = Date.now();
    this.counts.answered++;
    this.record(alarm, button, 'answered', { attempt, codec: answer.codec, answerMs: answeredAt - alarm.raisedAt });
    // On the alarm at once, so a guard sees the call is up (and can end it); the end replaces it.
    this.d.alarms.attach(alarm.id, 'calls', {
      attempt,
      ok: true,
      state: 'answered',
      codec: answer.codec,
      answerMs: answeredAt - alarm.raisedAt,
      at: answeredAt,
    });
    const media = this.media(rtp, answer, station, button);
    const limit = setTimeout(
      () => hungUp(`the call reached its limit of ${this.d.centre.max_call_s} s`),
      this.d.centre.max_call_s * 1000,
    );
    const reason = await ended;
    clearTimeout(limit);
    this.active.delete(alarm.id);
    media.stop();
    if (reason !== 'the centre hung up') await link.hangUp(out.dialog);
    rtp.close();
    const call = {
      attempt,
      ok: true,
      codec: answer.codec,
      answerMs: answeredAt - alarm.raisedAt,
      firstAudioMs: media.firstSentAt === null ? null : media.firstSentAt - alarm.raisedAt,
      durationS: Math.round((Date.now() - answeredAt) / 100) / 10,
      sent: media.sent,
      heard: media.heard,
      pa: media.pa,
      reason,
    };
    this.record(alarm, button, 'ended', call);
    this.d.alarms.attach(alarm.id, 'calls', { ...call, state: 'ended', at: answeredAt });
    return true;
  }

  /** The call's audio: the microphone to the centre, the centre to the speaker and the PA. */
  private media(rtp: Socket, answer: AudioAnswer, station: Station, button: Button) {
    const state = { sent: 0, heard: 0, firstSentAt: null as number | null, pa: 'none' as string, stop: () => {} };
    const toCentre = new AudioRtpWriter(G711_PT[answer.codec]);
    const mic = this.microphones.get(station.microphone)!;
    const unlisten =
      answer.direction === 'sendrecv' || answer.direction === 'recvonly'
        ? mic.listen((frame) => {
            rtp.send(toCentre.packet(encodeG711(answer.codec, frame)), answer.port, answer.host);
            state.sent++;
            state.firstSentAt ??= Date.now();
          })
        : () => {};
    const speaker = station.speaker && {
      writer: new AudioRtpWriter(G711_PT[station.speaker.codec]),
      codec: station.speaker.codec,
      host: station.speaker.address.split(':')[0]!,
      port: Number(station.speaker.address.split(':')[1]),
    };
    const pa = station.pa_zones ? new PassThrough() : null;
    if (pa) void this.toPa(pa, answer, station.pa_zones!, button, state);
    let source: number | null = null;
    rtp.on('message', (m) => {
      const r = readRtp(m);
      // The agreed law from one source: anything else is not the centre's voice.
      if (!r || r.pt !== G711_PT[answer.codec] || (source !== null && r.ssrc !== source)) return;
      source = r.ssrc;
      state.heard++;
      if (speaker)
        rtp.send(
          speaker.writer.packet(transcodeG711(answer.codec, speaker.codec, r.payload)),
          speaker.port,
          speaker.host,
        );
      pa?.write(r.payload);
    });
    state.stop = () => {
      unlisten();
      pa?.end();
    };
    return state;
  }

  private async toPa(input: PassThrough, answer: AudioAnswer, zones: string[], button: Button, state: { pa: string }) {
    const r = await this.d.commands.execute(
      {
        name: 'pa.live',
        args: {
          input: this.d.live.offer({ codec: answer.codec === 'PCMA' ? 'alaw' : 'mulaw', input }),
          zones,
          label: `${button.name} 报警中心对讲`,
        },
      },
      { kind: 'platform', name: 'alarm-centre' },
    );
    const playing = (r.result as { state?: string } | undefined)?.state;
    state.pa = r.ok ? (playing ?? 'refused') : (r.error ?? 'refused');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const end of this.active.values()) end('the gateway stopped');
    await Promise.race([Promise.all(this.sessions), new Promise((r) => setTimeout(r, 3000))]);
    for (const m of this.microphones.values()) m.stop();
    await this.link?.close();
  }
}
