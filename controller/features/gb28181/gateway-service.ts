import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Gb28181Config, Gb28181Platform, SiteConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { CommandBus } from '../../core/commands.ts';
import { deviceControl, type PlatformAlarmState } from './platform-control.ts';
import { localTime } from '../access/decide.ts';
import { catalogItems, catalogResponses, deviceInfo, deviceStatus } from './manscdp-answers.ts';
import { type Manscdp, ManscdpError, parseManscdp, writeManscdp } from './manscdp.ts';
import { type LinkState, PlatformLink } from './platform-link.ts';
import type { LiveInputs } from '../pa/live-inputs.ts';
import { LiveCalls, type Reply } from './live-calls.ts';
import { VoiceBroadcasts } from './voice-broadcast.ts';
import {
  type SnapshotOrder,
  SnapshotOrderError,
  snapshotFileId,
  snapshotOrder,
  takeAndUpload,
} from './snapshot-upload.ts';
import { PlatformEvents } from './platform-events.ts';
import { ServerTransactions } from './server-transactions.ts';
import { responseTo, token } from './sip-dialogs.ts';
import { header, type SipHeader, type SipMessage, type SipRequest } from './sip-message.ts';
import { writeSip } from './sip-message.ts';
import { type SipPeer, SipSocket } from './sip-socket.ts';

const DRIFT_WARN_MS = 5000;

export interface GatewayDeps {
  site: SiteConfig;
  gb: Gb28181Config;
  /** A file the site file names, resolved beside it. */
  sitePath(file: string): string;
  log: Logger;
  pipeline: Pipeline;
  alarms: AlarmManager;
  online(device: string): boolean;
  version: string;
  commands: CommandBus;
  /** A camera's RTSP stream with its credentials, or null when it is not known yet. */
  streamUrl(camera: string): string | null;
  /** Where a voice broadcast's audio is handed to the PA. */
  live: LiveInputs;
  /** A camera's snapshot, or null when it has none (yet). */
  snapshot(camera: string): (() => Promise<Buffer>) | null;
}

export interface PlatformStatus {
  address: string;
  state: LinkState;
  registeredAt: number | null;
  expiresAt: number | null;
  misses: number;
  videoCalls: number;
  broadcasting: boolean;
}

/** The address this machine sends from towards a host: what a platform sees, for Via and Contact. */
function routeAddress(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.connect(port, host, () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
    s.once('error', () => {
      s.close();
      resolve('127.0.0.1');
    });
  });
}

/**
 * The gateway as a GB/T 28181 access gateway (type 209) to every configured upper platform
 * at once: a link each (registration and keepalive), and the answers to their queries.
 */
export class Gb28181Gateway {
  readonly links = new Map<string, PlatformLink>();
  private readonly socket: SipSocket;
  private readonly addresses = new Map<string, string>();
  readonly alarmState = new Map<string, PlatformAlarmState>();
  private sn = 0;
  readonly live: LiveCalls;
  readonly broadcasts: VoiceBroadcasts;
  private readonly server = new ServerTransactions();
  readonly events: PlatformEvents;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly d: GatewayDeps) {
    this.socket = new SipSocket(d.gb.local_port, d.log, (m, from) => this.onMessage(m, from));
    this.live = new LiveCalls({
      ...d,
      local: (platform) => ({ host: this.addresses.get(platform) ?? '127.0.0.1', port: this.socket.port }),
      peer: (platform) => this.links.get(platform)!.peer,
      send: (peer, bytes) => this.socket.send(peer, bytes),
    });
    this.events = new PlatformEvents({
      ...d,
      links: this.links,
      alarmState: this.alarmState,
      nextSn: () => ++this.sn,
      deviceTime: (ts) => this.deviceTime(ts),
    });
    this.broadcasts = new VoiceBroadcasts({
      ...d,
      local: (platform) => ({ host: this.addresses.get(platform) ?? '127.0.0.1', port: this.socket.port }),
    });
    for (const p of d.gb.platforms) {
      this.alarmState.set(p.id, { guarded: true, awaitingReset: new Set(), held: 0 });
      // A secret: read here, never logged, never in a record.
      const password = readFileSync(d.sitePath(p.password_file), 'utf8').trim();
      this.links.set(
        p.id,
        new PlatformLink({
          platform: p,
          deviceId: d.gb.device_id,
          password,
          local: () => ({ host: this.addresses.get(p.id) ?? '127.0.0.1', port: this.socket.port }),
          send: (peer, bytes) => this.socket.send(peer, bytes),
          log: d.log,
          timeZone: d.site.school.timezone,
          onState: (state, detail) => this.onState(p.id, state, detail),
          onClockDrift: (ms) => this.onDrift(p.id, ms),
        }),
      );
    }
  }

  async start(): Promise<void> {
    await this.socket.open();
    for (const p of this.d.gb.platforms)
      this.addresses.set(p.id, this.d.gb.local_address ?? (await routeAddress(p.host, p.port)));
    for (const link of this.links.values()) link.start();
    this.unsubscribe = this.d.pipeline.onCommitted((events) => this.events.onRecords(events));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.live.stop();
    this.broadcasts.stop();
    await Promise.all([...this.links.values()].map((l) => l.stop()));
    this.socket.close();
  }

  /** Each platform's link, and what it is doing with the school now: for the console and the district. */
  status(): Record<string, PlatformStatus> {
    return Object.fromEntries(
      [...this.links].map(([id, l]) => [
        id,
        {
          address: `${l.peer.host}:${l.peer.port}/${l.peer.transport}`,
          state: l.state,
          registeredAt: l.registeredAt,
          expiresAt: l.expiresAt,
          misses: l.misses,
          videoCalls: [...this.live.calls.values()].filter((c) => c.platform === id).length,
          broadcasting: [...this.broadcasts.active.values()].some((b) => b.platform === id),
        },
      ]),
    );
  }

  get stats() {
    return this.socket.stats;
  }

  private onState(platform: string, state: LinkState, detail: string): void {
    const bad = state === 'offline' || state === 'refused';
    // A fresh registration (after a loss) starts without subscriptions: the platform subscribes again.
    if (state === 'registered') this.events.subscriptions.forget(platform);
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.link',
      source: platform,
      severity: bad ? 'warning' : 'info',
      data: { platform, state, detail },
    });
    const p = this.d.gb.platforms.find((x) => x.id === platform)!;
    this.d.alarms.follow(bad, `gb28181.link:${platform}`, () => ({
      type: 'gb28181.link',
      source: platform,
      severity: 'major',
      message: `GB/T 28181 platform ${platform} (${p.host}): ${state}, ${detail} (上级平台连接中断)`,
      data: { platform, state, detail, name: platform },
    }));
  }

  private onDrift(platform: string, driftMs: number): void {
    if (Math.abs(driftMs) <= DRIFT_WARN_MS) return;
    this.d.log.warn({ platform, driftMs }, 'gb28181: the platform clock differs from this gateway; nothing is stepped');
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.clock-drift',
      source: platform,
      severity: 'warning',
      data: { platform, driftMs },
    });
  }

  private onMessage(m: SipMessage, from: SipPeer): void {
    if (m.kind === 'response') {
      for (const l of this.links.values()) if (l.answer(m)) return;
      return;
    }
    const callId = header(m, 'call-id') ?? '';
    // An ACK is never answered: it starts the video the 200 OK promised.
    if (m.method === 'ACK') {
      this.live.ack(callId);
      return;
    }
    const again = this.server.repeat(m);
    if (again !== undefined) {
      if (again) this.socket.send(from, again);
      return;
    }
    const reply = this.responder(
      m,
      from,
      this.live.tagOf(callId) ?? this.events.subscriptions.tagOf(callId) ?? token(4),
    );
    if (m.method === 'BYE') {
      const ours = this.live.bye(callId) || this.broadcasts.bye(callId);
      reply(ours ? 200 : 481, ours ? 'OK' : 'Call/Transaction Does Not Exist');
      return;
    }
    const link = [...this.links.values()].find((l) => l.owns(m));
    const platform = this.d.gb.platforms.find((p) => this.links.get(p.id) === link);
    if (!link || !platform) reply(403, 'Forbidden');
    else if (m.method === 'INVITE') this.guard(this.live.invite(platform, m, from, reply), m);
    else if (m.method === 'SUBSCRIBE') this.guard(this.events.subscribe(platform, m, reply), m);
    else if (m.method !== 'MESSAGE') reply(501, 'Not Implemented');
    else this.guard(this.onQuery(link, m, reply), m);
  }

  /** A handler that failed is logged; the platform's request was already answered or times out. */
  private guard(work: Promise<void>, m: SipRequest): void {
    work.catch((err: Error) =>
      this.d.log.error({ method: m.method, err: err.message }, 'gb28181: a platform request could not be handled'),
    );
  }

  /** Every answer to one request has the same To tag, and is kept for the request's repeats. */
  private responder(req: SipRequest, to: SipPeer, tag: string): Reply {
    const send = (status: number, reason: string, extra: SipHeader[] = [], body?: Buffer) => {
      const bytes = writeSip({ ...responseTo(req, status, reason, extra, tag), ...(body ? { body } : {}) });
      this.server.answered(req, bytes);
      this.socket.send(to, bytes);
      return bytes;
    };
    return Object.assign(send, { tag });
  }

  private async onQuery(link: PlatformLink, req: SipRequest, reply: (s: number, r: string) => void): Promise<void> {
    const platform = [...this.links].find(([, l]) => l === link)![0];
    const cfg = this.d.gb.platforms.find((p) => p.id === platform)!;
    let q: ReturnType<typeof parseManscdp>;
    try {
      q = parseManscdp(req.body);
    } catch (err) {
      if (!(err instanceof ManscdpError)) throw err;
      this.d.log.warn({ platform, reason: err.message }, 'gb28181: a MESSAGE that is not MANSCDP refused');
      reply(400, 'Bad Request');
      return;
    }
    reply(200, 'OK');
    const record = (answered: boolean, detail?: string) =>
      this.d.pipeline.emit({
        topic: 'events/gb28181',
        type: 'gb28181.query',
        source: platform,
        severity: answered ? 'info' : 'warning',
        data: { platform, cmdType: q.cmdType, sn: q.sn, answered, ...(detail ? { detail } : {}) },
      });
    if (q.root === 'Control' && q.cmdType === 'DeviceControl') {
      const device = Object.entries(cfg.channels).find(([, id]) => id === q.deviceId)?.[0] ?? null;
      const outcome = await deviceControl(
        q.fields,
        { channel: q.deviceId, device, isGateway: q.deviceId === this.d.gb.device_id },
        this.alarmState.get(platform)!,
        this.d.commands,
        { kind: 'platform', name: platform },
      );
      const body = writeManscdp(
        {
          root: 'Response',
          cmdType: 'DeviceControl',
          sn: q.sn,
          deviceId: q.deviceId,
          fields: { Result: outcome.ok ? 'OK' : 'ERROR' },
        },
        cfg.encoding,
      );
      await link.message(body).catch(() => null);
      record(outcome.ok, outcome.detail);
      return;
    }
    if (q.root === 'Control' && q.cmdType === 'DeviceConfig' && q.fields.SnapShotConfig !== undefined) {
      const outcome = await this.snapshots(cfg, link, q);
      record(outcome.ok, outcome.detail);
      return;
    }
    if (q.root === 'Notify' && q.cmdType === 'Broadcast') {
      const outcome = await this.broadcasts.notify(cfg, link, q);
      record(outcome.ok, outcome.detail);
      return;
    }
    if (q.root !== 'Query') {
      record(false, `${q.root} ${q.cmdType} is not handled yet`);
      return;
    }
    const enc = cfg.encoding;
    const answers =
      q.cmdType === 'Catalog'
        ? catalogResponses(catalogItems(this.d.site, this.d.gb, cfg, this.d.online), q.sn, this.d.gb.device_id, enc)
        : q.cmdType === 'DeviceInfo'
          ? [deviceInfo(this.d.gb, Object.keys(cfg.channels).length, q.sn, this.d.version, enc)]
          : q.cmdType === 'DeviceStatus'
            ? [deviceStatus(this.d.gb, q.sn, this.deviceTime(), enc)]
            : null;
    if (!answers) {
      record(false, `query ${q.cmdType} is not handled`);
      return;
    }
    try {
      for (const body of answers) await link.message(body);
      record(true);
    } catch (err) {
      record(false, (err as Error).message);
    }
  }

  /**
   * The 2022 snapshot command: answered at once, the pictures taken and uploaded, then the
   * platform told which files it got. Audited as the platform's command.
   */
  private async snapshots(
    p: Gb28181Platform,
    link: PlatformLink,
    q: Manscdp,
  ): Promise<{ ok: boolean; detail: string }> {
    const actor = { kind: 'platform', name: p.id } as const;
    const camera = Object.entries(p.channels).find(
      ([dev, id]) => id === q.deviceId && this.d.site.video.cameras.some((c) => c.id === dev),
    )?.[0];
    const take = camera ? this.d.snapshot(camera) : null;
    let order: SnapshotOrder | null = null;
    let refusal: string | null = take ? null : `no camera with a snapshot for channel ${q.deviceId}`;
    if (take)
      try {
        order = snapshotOrder(q.fields.SnapShotConfig, p.host);
      } catch (err) {
        if (!(err instanceof SnapshotOrderError)) throw err;
        refusal = err.message;
      }
    const answer = (root: 'Response' | 'Notify', cmdType: string, fields: Record<string, unknown>) =>
      link
        .message(
          writeManscdp(
            { root, cmdType, sn: root === 'Notify' ? ++this.sn : q.sn, deviceId: q.deviceId, fields },
            p.encoding,
          ),
        )
        .catch(() => null);
    await answer('Response', 'DeviceConfig', { Result: refusal ? 'ERROR' : 'OK' });
    if (!order || !take) {
      this.d.commands.record(actor, 'gb28181.snapshot', { channel: q.deviceId }, false, refusal);
      return { ok: false, detail: refusal ?? 'refused' };
    }
    const r = await takeAndUpload(order, take, (n) => snapshotFileId(q.deviceId, this.deviceTime(), n));
    this.d.commands.record(
      actor,
      'gb28181.snapshot',
      { channel: q.deviceId, snapNum: order.snapNum, uploadTo: `${order.url.origin}${order.url.pathname}` },
      r.error === null,
      r.error,
    );
    await answer('Notify', 'UploadSnapShotFinished', {
      SessionID: order.sessionId,
      SnapShotList: { SnapShotFileID: r.files },
    });
    return { ok: r.error === null, detail: r.error ?? `${r.files.length} pictures uploaded` };
  }

  /** The gateway's time as GB/T 28181 writes it: school local time, no zone. */
  private deviceTime(now = Date.now()): string {
    const t = localTime(now, this.d.site.school.timezone);
    const hh = String(Math.floor(t.minutes / 60)).padStart(2, '0');
    const mm = String(t.minutes % 60).padStart(2, '0');
    const ss = String(Math.floor(now / 1000) % 60).padStart(2, '0');
    return `${t.date}T${hh}:${mm}:${ss}`;
  }
}
