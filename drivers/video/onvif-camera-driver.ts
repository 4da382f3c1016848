import onvif from 'onvif';
import type { CameraConfig } from '../../controller/config/types.ts';
import type { Capabilities, DeviceHealth, Driver, DriverContext, PtzAction } from '../contract.ts';
import type { Agent } from 'node:http';
import { boundedBody } from './bounded-body.ts';
import { cappedAgent } from './capped-agent.ts';
import { fetchWithAuth } from './http-digest.ts';
import { LiveStream } from './live-stream.ts';
import { classify, isEvent, type OnvifNotification, type Unclassified } from './onvif-events.ts';
import { PullPoint } from './pull-point.ts';
import { xmlText } from './xml-text.ts';

const KIND = 'camera';
const SNAPSHOT_TIMEOUT_MS = 1500;
/** A 4K JPEG is a few MB; anything far past that is not a snapshot. */
const SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;
// The largest SOAP answer taken: an NVR's GetProfiles for 64 channels is well under 1 MB.
const SOAP_MAX_BYTES = 4 * 1024 * 1024;
/** How soon a failed connection is tried again, before the health policy backs off. */
const RECONNECT_MS = 500;

/** A parsed URL as the onvif package expects it. */
interface CamUrl {
  href: string;
  path?: string;
  agent?: Agent;
}

interface OnvifCam {
  connect(cb: (err: Error | null) => void): void;
  getDeviceInformation(cb: (err: Error | null, info: Record<string, string>) => void): void;
  getSystemDateAndTime(cb: (err: Error | null, date: Date) => void): void;
  getStreamUri(o: object, cb: (err: Error | null, r: { uri: string }) => void): void;
  getSnapshotUri(o: object, cb: (err: Error | null, r: { uri: string }) => void): void;
  continuousMove(o: object, cb: (err: Error | null) => void): void;
  stop(o: object, cb: (err: Error | null) => void): void;
  gotoPreset(o: object, cb: (err: Error | null) => void): void;
  getPresets(
    o: object,
    cb: (err: Error | null, presets: Record<string, { $: { token: string | number } }>) => void,
  ): void;
  uri: { events?: URL };
  activeSource: { profileToken: string };
  _envelopeHeader(openHeader?: boolean): string;
  _envelopeFooter(): string;
  _request(
    o: { service?: string; url?: CamUrl; body: string; replyTimeout?: number },
    cb: (err: Error | null, res: unknown, xml: string) => void,
  ): void;
  /** The package's own URL form (legacy url.parse, with `path`), which its Digest code needs. */
  _parseUrl(address: string): CamUrl;
}

const Cam = (onvif as unknown as { Cam: new (o: object) => OnvifCam }).Cam;
const call = <T>(fn: (cb: (err: Error | null, r: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, r) => (err ? reject(err) : resolve(r))));

export interface CameraInfo {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  streamUri: string;
  snapshotUri: string;
  clockDriftMs: number;
}

/**
 * An ONVIF camera on the `onvif` package, extended where it falls short: a
 * PullPoint subscription of configurable life that is renewed at 75 % of it
 * (the package subscribes for 2 minutes and renews on every pull), recreated
 * after a failure or a reboot, and unsubscribed before a new one is made so
 * the camera never collects stale subscriptions.
 */
export class OnvifCameraDriver implements Driver {
  readonly kind = KIND;
  private ctx!: DriverContext;
  private cam: OnvifCam | null = null;
  /** Every SOAP request of this camera, with answers capped at SOAP_MAX_BYTES. */
  private readonly agent = cappedAgent(SOAP_MAX_BYTES);
  private running = false;
  private health!: DeviceHealth;
  private readonly pull: PullPoint;
  info: CameraInfo | null = null;
  private reconnects = 0;

  constructor(
    readonly config: CameraConfig,
    private readonly password: string,
  ) {
    this.pull = new PullPoint(
      { request: (body, options) => this.request(body, options) },
      config.subscription_s,
      config.pull_timeout_s,
    );
    // Lost and restored come only while someone watches, which is after start.
    this.live = new LiveStream(config.id, () => this.rtspUrl(), {
      lost: (detail) => this.ctx.send('liveStream', { camera: config.id, lost: true, detail }),
      restored: () => this.ctx.send('liveStream', { camera: config.id, lost: false }),
    });
  }

  /** The live view, shared by every console watching this camera. */
  readonly live: LiveStream;

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    const camera = {
      info: () =>
        this.info && {
          manufacturer: this.info.manufacturer,
          model: this.info.model,
          clockDriftMs: this.info.clockDriftMs,
        },
      streamUrl: () => this.rtspUrl(),
    };
    return new Map([[this.config.id, { snapshot: this, ptz: this, camera, live: this.live }]]);
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.health = ctx.device(this.config.id, KIND);
    this.running = true;
    void this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.live.close();
    await this.unsubscribe();
    this.agent.destroy();
  }

  stats() {
    return {
      camera: this.config.id,
      ...this.pull.counters,
      reconnects: this.reconnects,
      subscribed: this.pull.subscribed,
      unknownTopics: [...this.unknownTopics],
    };
  }

  /** The camera's PTZ presets, token to name. */
  async presets(): Promise<{ token: string; name: string }[]> {
    const cam = this.cam;
    if (!cam || !this.info) throw new Error(`${this.config.id} is not connected`);
    const presets = await call<Record<string, { $: { token: string | number } }>>((cb) => cam.getPresets({}, cb));
    // The package keys presets by name and turns numeric tokens into numbers.
    return Object.entries(presets).map(([name, p]) => ({ token: String(p.$.token), name }));
  }

  /** The RTSP URI with this camera's credentials, for the live view's ffmpeg; never shown or logged. */
  rtspUrl(): string | null {
    if (!this.info) return null;
    const u = new URL(this.info.streamUri);
    u.username = encodeURIComponent(this.config.username);
    u.password = encodeURIComponent(this.password);
    return u.toString();
  }

  async snapshot(): Promise<Buffer> {
    if (!this.info) throw new Error(`${this.config.id} is not connected`);
    const res = await fetchWithAuth(this.info.snapshotUri, this.config.username, this.password, SNAPSHOT_TIMEOUT_MS);
    if (!res.ok) throw new Error(`snapshot: HTTP ${res.status}`);
    const jpeg = await boundedBody(res, SNAPSHOT_MAX_BYTES);
    if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('snapshot is not a JPEG');
    return jpeg;
  }

  async ptz(action: PtzAction, args: { x?: number; y?: number; zoom?: number; preset?: string }): Promise<void> {
    const cam = this.cam;
    if (!cam || !this.info) throw new Error(`${this.config.id} is not connected`);
    const profileToken = xmlText(cam.activeSource.profileToken);
    if (action === 'move')
      await call<void>((cb) =>
        cam.continuousMove({ profileToken, x: args.x ?? 0, y: args.y ?? 0, zoom: args.zoom ?? 0 }, cb as never),
      );
    else if (action === 'stop')
      await call<void>((cb) => cam.stop({ profileToken, panTilt: true, zoom: true }, cb as never));
    else await call<void>((cb) => cam.gotoPreset({ profileToken, preset: xmlText(args.preset ?? '') }, cb as never));
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.connect();
        this.health.ok();
        await this.events();
      } catch (err) {
        if (!this.running) return;
        const wait = this.health.failed((err as Error).message, RECONNECT_MS);
        await this.unsubscribe();
        await sleep(wait);
        this.reconnects++;
      }
    }
  }

  private async connect(): Promise<void> {
    const c = this.config;
    const cam = new Cam({
      hostname: c.host,
      port: c.port,
      path: c.path,
      username: c.username,
      password: this.password,
      autoconnect: false,
      timeout: 10_000,
      useWSSecurity: c.auth === 'ws-security',
      agent: this.agent,
    });
    await call<void>((cb) => cam.connect(cb as never));
    const info = await call<Record<string, string>>((cb) => cam.getDeviceInformation(cb));
    const stream = await call<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP' }, cb));
    const snap = await call<{ uri: string }>((cb) => cam.getSnapshotUri({}, cb));
    const camTime = await call<Date>((cb) => cam.getSystemDateAndTime(cb));
    this.cam = cam;
    this.info = {
      manufacturer: info.manufacturer ?? '',
      model: info.model ?? '',
      firmware: info.firmwareVersion ?? '',
      serial: info.serialNumber ?? '',
      streamUri: stream.uri,
      snapshotUri: snap.uri,
      clockDriftMs: camTime.getTime() - Date.now(),
    };
    this.ctx.emit({ topic: 'events/video', type: 'camera.connected', source: c.id, data: { ...this.info } });
    this.ctx.send('cameraConnected', { camera: c.id, clockDriftMs: this.info.clockDriftMs });
  }

  /** Subscribe, then pull until something fails. */
  private async events(): Promise<void> {
    await this.pull.subscribe();
    while (this.running && this.pull.subscribed) {
      for (const n of await this.pull.next()) {
        const e = classify(n);
        if (isEvent(e)) this.ctx.send('cameraEvent', { camera: this.config.id, event: e });
        else this.unclassified(e, n);
      }
    }
  }

  /** Topics this camera sends that map to no event, each logged once: a vendor dialect to add, not noise to repeat. */
  private readonly unknownTopics = new Set<string>();

  private unclassified(u: Unclassified, n: OnvifNotification): void {
    if (this.unknownTopics.has(u.topic)) return;
    this.unknownTopics.add(u.topic);
    this.ctx.log.info(
      { camera: this.config.id, topic: u.topic, source: n.source, data: n.data },
      u.reason === 'unknown-topic' ? 'camera event topic with no mapping' : 'camera event with no state item we read',
    );
  }

  private unsubscribe(): Promise<void> {
    return this.pull.unsubscribe();
  }

  /** The subscription's channel: the event service, or a subscription address, on the current connection. */
  private request(body: string, { to, replyTimeoutMs }: { to?: string; replyTimeoutMs?: number }): Promise<string> {
    const cam = this.cam;
    if (!cam) return Promise.reject(new Error(`${this.config.id} is not connected`));
    // The package sends a request to an address without its agent: give it the capped one.
    const url = to === undefined ? undefined : { ...cam._parseUrl(to), agent: this.agent };
    return this.soap(cam, url ? { url, replyTimeout: replyTimeoutMs } : { service: 'events' }, body, url);
  }

  private soap(
    cam: OnvifCam,
    target: { service?: string; url?: CamUrl; replyTimeout?: number },
    body: string,
    to?: CamUrl,
  ): Promise<string> {
    const head = to
      ? `${cam._envelopeHeader(true)}<a:To>${xmlText(to.href)}</a:To></s:Header><s:Body>`
      : cam._envelopeHeader();
    return new Promise((resolve, reject) =>
      cam._request({ ...target, body: head + body + cam._envelopeFooter() }, (err, _res, raw) =>
        err ? reject(err) : resolve(raw),
      ),
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
