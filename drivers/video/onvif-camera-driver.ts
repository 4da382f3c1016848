import { XMLParser } from 'fast-xml-parser';
import onvif from 'onvif';
import type { CameraConfig } from '../../controller/config/types.ts';
import { backoffDelay } from '../backoff.ts';
import type { Driver, DriverContext } from '../contract.ts';
import { fetchWithAuth } from './http-digest.ts';
import { classify, parseNotifications, type CameraEvent, type OnvifNotification } from './onvif-events.ts';
import { xmlText } from './xml-text.ts';

const KIND = 'camera';
/** Renew when this share of the subscription's life has passed: well before it ends, not on every pull. */
const RENEW_AT = 0.75;
const SNAPSHOT_TIMEOUT_MS = 1500;

/** A parsed URL as the onvif package expects it. */
interface CamUrl {
  href: string;
  path?: string;
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
const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
const call = <T>(fn: (cb: (err: Error | null, r: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, r) => (err ? reject(err) : resolve(r))));

export interface CameraHooks {
  onEvent(cameraId: string, e: CameraEvent): void;
  onConnected(cameraId: string, clockDriftMs: number): void;
}

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
  private running = false;
  private failures = 0;
  private subscription: { url: CamUrl; expires: number; lifeMs: number } | null = null;
  info: CameraInfo | null = null;
  readonly counters = { subscriptions: 0, renewals: 0, pulls: 0, notifications: 0, reconnects: 0, malformed: 0 };

  constructor(
    readonly config: CameraConfig,
    private readonly password: string,
    private readonly hooks: CameraHooks,
  ) {}

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.running = true;
    void this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.unsubscribe();
  }

  stats() {
    return { camera: this.config.id, ...this.counters, subscribed: this.subscription !== null };
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
    const jpeg = Buffer.from(await res.arrayBuffer());
    if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('snapshot is not a JPEG');
    return jpeg;
  }

  async ptz(
    action: 'move' | 'stop' | 'preset',
    args: { x?: number; y?: number; zoom?: number; preset?: string },
  ): Promise<void> {
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
        this.failures = 0;
        this.ctx.health(this.config.id, KIND, 'online');
        await this.events();
      } catch (err) {
        if (!this.running) return;
        this.failures++;
        this.ctx.health(this.config.id, KIND, this.failures >= 3 ? 'offline' : 'degraded', (err as Error).message);
        await this.unsubscribe();
        await sleep(backoffDelay(this.failures - 1, 500, 30_000));
        this.counters.reconnects++;
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
    this.hooks.onConnected(c.id, this.info.clockDriftMs);
  }

  /** Subscribe, then pull until something fails; renew on a timer, not per pull. */
  private async events(): Promise<void> {
    const cam = this.cam!;
    await this.unsubscribe();
    const life = this.config.subscription_s;
    const created = await this.soap(
      cam,
      { service: 'events' },
      `<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"><InitialTerminationTime>PT${life}S</InitialTerminationTime></CreatePullPointSubscription>`,
    );
    const ref = (
      xml.parse(created) as {
        Envelope?: {
          Body?: { CreatePullPointSubscriptionResponse?: { SubscriptionReference?: { Address?: string } } };
        };
      }
    ).Envelope?.Body?.CreatePullPointSubscriptionResponse?.SubscriptionReference?.Address;
    if (!ref) throw new Error('CreatePullPointSubscription returned no address');
    this.subscription = { url: cam._parseUrl(ref), expires: Date.now() + life * 1000, lifeMs: life * 1000 };
    this.counters.subscriptions++;
    while (this.running && this.subscription) {
      const sub = this.subscription;
      if (Date.now() >= sub.expires - sub.lifeMs * (1 - RENEW_AT)) {
        await this.soap(
          cam,
          { url: sub.url },
          `<Renew xmlns="http://docs.oasis-open.org/wsn/b-2"><TerminationTime>PT${life}S</TerminationTime></Renew>`,
          sub.url,
        );
        sub.expires = Date.now() + sub.lifeMs;
        this.counters.renewals++;
      }
      const wait = Math.max(
        1,
        Math.min(
          this.config.pull_timeout_s,
          Math.floor((sub.expires - sub.lifeMs * (1 - RENEW_AT) - Date.now()) / 1000),
        ),
      );
      const res = await this.soap(
        cam,
        { url: sub.url, replyTimeout: (wait + 10) * 1000 },
        `<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>PT${wait}S</Timeout><MessageLimit>100</MessageLimit></PullMessages>`,
        sub.url,
      );
      this.counters.pulls++;
      let notes: OnvifNotification[];
      try {
        notes = parseNotifications(res);
      } catch {
        this.counters.malformed++;
        continue;
      }
      for (const n of notes) {
        this.counters.notifications++;
        const e = classify(n);
        if (e) this.hooks.onEvent(this.config.id, e);
      }
    }
  }

  private async unsubscribe(): Promise<void> {
    const sub = this.subscription;
    this.subscription = null;
    if (!sub || !this.cam) return;
    await this.soap(
      this.cam,
      { url: sub.url },
      '<Unsubscribe xmlns="http://docs.oasis-open.org/wsn/b-2"/>',
      sub.url,
    ).catch(() => {});
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
