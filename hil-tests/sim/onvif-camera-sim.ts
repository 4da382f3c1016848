import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { digestAuthorization } from '../../drivers/video/http-digest.ts';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
});

const NS =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:ter="http://www.onvif.org/ver10/error" xmlns:tnshik="http://www.hikvision.com/2011/event/topics" xmlns:tnsaxis="http://www.axis.com/2009/event/topics"';
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`;
const fault = (subcode: string, reason: string) =>
  envelope(
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );

/** ISO 8601 durations as ONVIF uses them: PT10M, PT60S, PT1M30S. */
export function durationMs(d: string | undefined, fallback: number): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(d ?? '');
  if (!m) return fallback;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

interface Subscription {
  id: string;
  expires: number;
  queue: string[];
  waiting: (() => void) | null;
}

/**
 * An ONVIF camera: device, media, PTZ and event (PullPoint) services over
 * HTTP/SOAP with WS-Security digest, and a JPEG snapshot. Faults: expired
 * subscriptions, a reboot that forgets them, a SOAP fault, slow answers.
 */
export class OnvifCameraSim {
  port = 0;
  clockSkewMs = 0;
  slowMs = 0;
  rtspUrl = 'rtsp://127.0.0.1:8554/stream1';
  readonly stats = { created: 0, renewed: 0, pulls: 0, unsubscribed: 0, authFailures: 0 };
  readonly ptz: { action: string; at: number; detail: Record<string, unknown> }[] = [];
  private server: Server | null = null;
  private subs = new Map<string, Subscription>();
  private faultOnce = new Set<string>();
  private readonly jpeg: Buffer;
  private presets = new Map([
    ['1', 'Gate'],
    ['2', 'Playground'],
  ]);

  /** `digest`: SOAP wants HTTP Digest instead of WS-Security (newer Hikvision). Snapshots always want Digest. */
  auth: 'ws-security' | 'digest' = 'ws-security';

  constructor(
    readonly username = 'admin',
    readonly password = 'cam-pass-1',
    readonly serial = 'SIM-0001',
  ) {
    this.jpeg = execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=1',
      '-frames:v',
      '1',
      '-f',
      'mjpeg',
      'pipe:1',
    ]);
  }

  get activeSubscriptions(): number {
    return [...this.subs.values()].filter((s) => s.expires > Date.now()).length;
  }

  async start(port = this.port): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const sub of this.subs.values()) sub.waiting?.();
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Power-cycles the camera: it is gone for `downMs` and comes back with no subscriptions. */
  async reboot(downMs: number): Promise<void> {
    await this.stop();
    this.subs.clear();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start(this.port);
  }

  /** Drops every subscription, as a camera does when one expires unrenewed. */
  expireSubscriptions(): void {
    for (const s of this.subs.values()) {
      s.expires = 0;
      s.waiting?.();
    }
  }

  failNext(method: string): void {
    this.faultOnce.add(method);
  }

  /** Answers the next call of `method` with `bytes` of XML, as a broken or hostile camera did (64 MB). */
  hugeAnswerNext(method: string, bytes: number): void {
    this.hugeOnce.set(method, bytes);
  }

  /** Bytes written of huge answers before the client hung up. */
  hugeBytesSent = 0;
  private readonly hugeOnce = new Map<string, number>();

  /** Queues an event for every live subscription; a topic with a prefix (a vendor's, tnshik:…) is sent as written. */
  emit(
    topic: string,
    data: Record<string, string>,
    source: Record<string, string> = { Rule: 'Rule1' },
    operation = 'Changed',
  ): void {
    const msg = notification(topic, data, source, operation, new Date(Date.now() + this.clockSkewMs));
    for (const s of this.subs.values()) {
      if (s.expires > Date.now()) {
        s.queue.push(msg);
        s.waiting?.();
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/snapshot.jpg') {
      if (!this.digestOk(req)) {
        this.challenge(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': this.jpeg.length }).end(this.jpeg);
      return;
    }
    if (this.auth === 'digest' && !this.digestOk(req)) {
      for await (const _ of req) {
        /* drain */
      }
      this.challenge(res);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const xml = Buffer.concat(chunks).toString('utf8');
    if (this.slowMs) await new Promise((r) => setTimeout(r, this.slowMs));
    const send = (status: number, body: string) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(body);
    };
    let doc: Record<string, unknown>;
    try {
      doc = parser.parse(xml) as Record<string, unknown>;
    } catch {
      send(400, fault('ter:InvalidArgVal', 'malformed XML'));
      return;
    }
    const env = doc.Envelope as { Header?: Record<string, unknown>; Body?: Record<string, unknown> } | undefined;
    const method = Object.keys(env?.Body ?? {}).find((k) => !k.startsWith('xmlns')) ?? '';
    const args = (env?.Body?.[method] ?? {}) as Record<string, unknown>;
    if (this.faultOnce.delete(method)) {
      send(500, fault('ter:Action', `${method} failed (injected)`));
      return;
    }
    const huge = this.hugeOnce.get(method);
    if (huge !== undefined) {
      this.hugeOnce.delete(method);
      await this.sendHuge(res, huge);
      return;
    }
    if (method !== 'GetSystemDateAndTime' && this.auth === 'ws-security' && !this.authorized(env?.Header)) {
      this.stats.authFailures++;
      send(400, fault('ter:NotAuthorized', 'Sender not authorized'));
      return;
    }
    const sub = /^\/onvif\/subscription\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const out = sub ? await this.subscriptionCall(sub, method, args) : this.call(method, args);
    if (out === null) send(400, fault('ter:ActionNotSupported', `${method} is not supported`));
    else if (out.startsWith('FAULT:')) send(400, fault('ter:InvalidArgVal', out.slice(6)));
    else send(200, envelope(out));
  }

  private async sendHuge(res: ServerResponse, bytes: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' });
    const chunk = Buffer.from(`<tt:Junk>${'x'.repeat(64 * 1024 - 20)}</tt:Junk>`);
    this.hugeBytesSent = 0;
    while (this.hugeBytesSent < bytes && !res.destroyed) {
      this.hugeBytesSent += chunk.length;
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r));
    }
    res.end();
  }

  private readonly nonce = randomUUID().replace(/-/g, '');

  private challenge(res: ServerResponse): void {
    this.stats.authFailures++;
    res
      .writeHead(401, { 'www-authenticate': `Digest realm="SimCam", qop="auth", nonce="${this.nonce}", algorithm=MD5` })
      .end();
  }

  private digestOk(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) p[m[1]!] = m[2] ?? m[3]!;
    const expected = digestAuthorization(
      { realm: 'SimCam', nonce: this.nonce, qop: 'auth', algorithm: 'MD5' },
      {
        username: this.username,
        password: this.password,
        method: req.method ?? 'GET',
        uri: p.uri ?? '',
        nc: parseInt(p.nc ?? '1', 16),
        cnonce: p.cnonce,
      },
    );
    return p.username === this.username && p.nonce === this.nonce && expected.includes(`response="${p.response}"`);
  }

  private authorized(header: Record<string, unknown> | undefined): boolean {
    const token = (header?.Security as { UsernameToken?: Record<string, unknown> } | undefined)?.UsernameToken;
    if (!token) return false;
    const pw = token.Password as { '#text'?: string } | string;
    const digest = typeof pw === 'string' ? pw : pw?.['#text'];
    const nonce = token.Nonce as { '#text'?: string } | string;
    const nonceText = typeof nonce === 'string' ? nonce : nonce?.['#text'];
    const expected = createHash('sha1')
      .update(
        Buffer.concat([
          Buffer.from(nonceText ?? '', 'base64'),
          Buffer.from(String(token.Created ?? '')),
          Buffer.from(this.password),
        ]),
      )
      .digest('base64');
    return token.Username === this.username && digest === expected;
  }

  private call(method: string, a: Record<string, unknown>): string | null {
    const base = `http://127.0.0.1:${this.port}/onvif`;
    const now = new Date(Date.now() + this.clockSkewMs);
    switch (method) {
      case 'GetSystemDateAndTime':
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      case 'GetServices':
        return null; // Profile S cameras without GetServices: the client falls back to GetCapabilities
      case 'GetCapabilities':
        return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}/device_service</tt:XAddr></tt:Device><tt:Events><tt:XAddr>${base}/events_service</tt:XAddr><tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events><tt:Media><tt:XAddr>${base}/media_service</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>${base}/ptz_service</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>`;
      case 'GetDeviceInformation':
        return `<tds:GetDeviceInformationResponse><tds:Manufacturer>SimCam</tds:Manufacturer><tds:Model>SC-2000</tds:Model><tds:FirmwareVersion>5.7.3</tds:FirmwareVersion><tds:SerialNumber>${this.serial}</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId></tds:GetDeviceInformationResponse>`;
      case 'GetVideoSources':
        return '<trt:GetVideoSourcesResponse><trt:VideoSources token="vs1"><tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>1280</tt:Width><tt:Height>720</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>';
      case 'GetProfiles':
        return '<trt:GetProfilesResponse><trt:Profiles token="main" fixed="true"><tt:Name>main</tt:Name><tt:VideoSourceConfiguration token="vsc1"><tt:Name>vsc1</tt:Name><tt:UseCount>1</tt:UseCount><tt:SourceToken>vs1</tt:SourceToken><tt:Bounds x="0" y="0" width="1280" height="720"/></tt:VideoSourceConfiguration><tt:VideoEncoderConfiguration token="vec1"><tt:Name>vec1</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>1280</tt:Width><tt:Height>720</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration><tt:PTZConfiguration token="ptz1"><tt:Name>ptz1</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>node1</tt:NodeToken></tt:PTZConfiguration></trt:Profiles></trt:GetProfilesResponse>';
      case 'GetStreamUri':
        return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${this.rtspUrl}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>http://127.0.0.1:${this.port}/snapshot.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
      case 'ContinuousMove':
      case 'Stop':
      case 'GotoPreset':
        this.ptz.push({ action: method, at: Date.now(), detail: a });
        return `<tptz:${method}Response/>`;
      case 'GetPresets':
        return `<tptz:GetPresetsResponse>${[...this.presets].map(([t, n]) => `<tptz:Preset token="${t}"><tt:Name>${n}</tt:Name></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`;
      case 'CreatePullPointSubscription': {
        const id = randomUUID();
        const ms = durationMs(a.InitialTerminationTime as string | undefined, 60_000);
        this.subs.set(id, { id, expires: Date.now() + ms, queue: this.initialState(), waiting: null });
        this.stats.created++;
        return `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${base}/subscription/${id}</wsa:Address></tev:SubscriptionReference><wsnt:CurrentTime>${now.toISOString()}</wsnt:CurrentTime><wsnt:TerminationTime>${new Date(now.getTime() + ms).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`;
      }
      default:
        return null;
    }
  }

  private async subscriptionCall(id: string, method: string, a: Record<string, unknown>): Promise<string | null> {
    const s = this.subs.get(id);
    if (!s || s.expires <= Date.now()) return 'FAULT:unknown or expired subscription';
    const now = () => new Date(Date.now() + this.clockSkewMs).toISOString();
    switch (method) {
      case 'PullMessages': {
        this.stats.pulls++;
        if (!s.queue.length) {
          const wait = Math.min(durationMs(a.Timeout as string | undefined, 10_000), 60_000);
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            s.waiting = () => {
              clearTimeout(t);
              resolve();
            };
          });
          s.waiting = null;
          if (s.expires <= Date.now() || !this.server) return 'FAULT:subscription ended';
        }
        const msgs = s.queue.splice(0, Number(a.MessageLimit ?? 100));
        return `<tev:PullMessagesResponse><tev:CurrentTime>${now()}</tev:CurrentTime><tev:TerminationTime>${new Date(s.expires).toISOString()}</tev:TerminationTime>${msgs.join('')}</tev:PullMessagesResponse>`;
      }
      case 'Renew': {
        s.expires = Date.now() + durationMs(a.TerminationTime as string | undefined, 60_000);
        this.stats.renewed++;
        return `<wsnt:RenewResponse><wsnt:TerminationTime>${new Date(s.expires).toISOString()}</wsnt:TerminationTime><wsnt:CurrentTime>${now()}</wsnt:CurrentTime></wsnt:RenewResponse>`;
      }
      case 'Unsubscribe':
        this.subs.delete(id);
        this.stats.unsubscribed++;
        s.waiting?.();
        return '<wsnt:UnsubscribeResponse/>';
      default:
        return null;
    }
  }

  /** What a camera sends first on a new subscription: the current state of every rule, Initialized. */
  private initialState(): string[] {
    const at = new Date(Date.now() + this.clockSkewMs);
    return [
      notification(
        'RuleEngine/CellMotionDetector/Motion',
        { IsMotion: 'false' },
        { Rule: 'Motion' },
        'Initialized',
        at,
      ),
      notification(
        'RuleEngine/FieldDetector/ObjectsInside',
        { IsInside: 'false' },
        { Rule: 'Fence' },
        'Initialized',
        at,
      ),
      notification('RuleEngine/TamperDetector/Tamper', { IsTamper: 'false' }, { Rule: 'Tamper' }, 'Initialized', at),
      notification('Device/Trigger/DigitalInput', { LogicalState: 'false' }, { InputToken: 'DI_1' }, 'Initialized', at),
    ];
  }
}

function notification(
  topic: string,
  data: Record<string, string>,
  source: Record<string, string>,
  op: string,
  at: Date,
): string {
  const items = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([n, v]) => `<tt:SimpleItem Name="${n}" Value="${v}"/>`)
      .join('');
  return `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${topic.includes(':') ? topic : `tns1:${topic}`}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${at.toISOString()}" PropertyOperation="${op}"><tt:Source>${items(source)}</tt:Source><tt:Data>${items(data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`;
}
