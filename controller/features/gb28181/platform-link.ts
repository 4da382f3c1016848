import { digestAuthorization, parseChallenge, type DigestChallenge } from '../../../drivers/video/http-digest.ts';
import type { Gb28181Platform } from '../../config/types.ts';
import type { Logger } from '../../core/logger.ts';
import { dayStart } from '../access/decide.ts';
import { branch, token, Transactions } from './sip-dialogs.ts';
import { header, param, type SipHeader, type SipRequest, type SipResponse, writeSip } from './sip-message.ts';
import type { SipPeer } from './sip-socket.ts';
import { writeManscdp } from './manscdp.ts';

export type LinkState = 'unregistered' | 'registering' | 'registered' | 'refused' | 'offline';

export interface LinkDeps {
  platform: Gb28181Platform;
  deviceId: string;
  password: string;
  /** Where the platform reaches the gateway: Via and Contact. */
  local: () => { host: string; port: number };
  send(peer: SipPeer, bytes: Buffer): void;
  log: Logger;
  timeZone: string;
  /** The link's state changed; `detail` says why, in English. */
  onState(state: LinkState, detail: string): void;
  /** The platform's clock (its 200 OK's Date) differs from the gateway's by this much. */
  onClockDrift(driftMs: number): void;
  now?: () => number;
}

/** GB/T 28181 writes Date as local time without a zone (2026-12-01T18:05:33.123); RFC 3261's form is accepted too. */
export function parseSipDate(value: string, timeZone: string): number | null {
  const gb = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?$/.exec(value.trim());
  if (gb) {
    const [, day, h, m, s, frac] = gb;
    return (
      dayStart(day!, timeZone) +
      ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 +
      Math.round(Number(frac ?? 0) * 1000)
    );
  }
  const rfc = Date.parse(value);
  return /GMT/.test(value) && Number.isFinite(rfc) ? rfc : null;
}

/**
 * One upper platform: registration with digest authentication, refreshed before it expires,
 * retried no sooner than `retry_s` after a failure, given up on stop; keepalives at the
 * configured interval, the link offline after the configured misses; a platform that forgot the
 * gateway (restarted, new nonce) is registered with again at once.
 */
export class PlatformLink {
  state: LinkState = 'unregistered';
  registeredAt: number | null = null;
  expiresAt: number | null = null;
  misses = 0;
  private readonly tx: Transactions;
  private readonly callId = `${token()}@campus-edge`;
  private readonly fromTag = token(4);
  private cseq = 0;
  private challenge: DigestChallenge | null = null;
  private nc = 0;
  private timer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private sn = 0;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly d: LinkDeps) {
    this.now = d.now ?? Date.now;
    this.tx = new Transactions(
      (bytes) => d.send(this.peer, bytes),
      () => d.platform.transport === 'tcp',
    );
  }

  get peer(): SipPeer {
    return { host: this.d.platform.host, port: this.d.platform.port, transport: this.d.platform.transport };
  }
  private get serverUri() {
    return `sip:${this.d.platform.server_id}@${this.d.platform.domain}`;
  }
  private get self() {
    return `<sip:${this.d.deviceId}@${this.d.platform.domain}>`;
  }

  /** Is this request from this platform? Its From names the platform's server id. */
  owns(req: SipRequest): boolean {
    return (header(req, 'from') ?? '').includes(`sip:${this.d.platform.server_id}@`);
  }

  answer(r: SipResponse): boolean {
    return this.tx.answer(r);
  }

  start(): void {
    void this.register();
  }

  private set(state: LinkState, detail: string): void {
    if (state === this.state) return;
    this.state = state;
    this.d.onState(state, detail);
  }

  private common(method: string): SipHeader[] {
    const { host, port } = this.d.local();
    return [
      ['via', `SIP/2.0/${this.d.platform.transport.toUpperCase()} ${host}:${port};rport;branch=${branch()}`],
      ['from', `${this.self};tag=${this.fromTag}`],
      ['to', method === 'REGISTER' ? this.self : `<${this.serverUri}>`],
      ['call-id', method === 'REGISTER' ? this.callId : `${token()}@campus-edge`],
      ['cseq', `${++this.cseq} ${method}`],
      ['max-forwards', '70'],
      ['user-agent', 'campus-edge'],
    ];
  }

  private key(h: SipHeader[]): string {
    const via = h.find(([k]) => k === 'via')![1];
    return `${param(via, 'branch')} ${h.find(([k]) => k === 'cseq')![1].split(' ')[1]}`;
  }

  private async registerOnce(expires: number, authorize: boolean): Promise<SipResponse> {
    const { host, port } = this.d.local();
    const h: SipHeader[] = [
      ...this.common('REGISTER'),
      ['contact', `<sip:${this.d.deviceId}@${host}:${port}>`],
      ['expires', String(expires)],
    ];
    if (authorize && this.challenge)
      h.push([
        'authorization',
        digestAuthorization(this.challenge, {
          username: this.d.deviceId,
          password: this.d.password,
          method: 'REGISTER',
          uri: this.serverUri,
          nc: ++this.nc,
        }),
      ]);
    return this.tx.request(
      this.key(h),
      writeSip({ kind: 'request', method: 'REGISTER', uri: this.serverUri, headers: h, body: Buffer.alloc(0) }),
    );
  }

  /** Registers (or refreshes); on failure the next attempt waits retry_s. */
  private async register(): Promise<void> {
    if (this.stopped) return;
    this.clearTimer();
    if (this.state !== 'registered') this.set('registering', 'registering');
    const expires = this.d.platform.expires_s;
    try {
      let r = await this.registerOnce(expires, this.challenge !== null);
      for (let round = 0; round < 2 && (r.status === 401 || r.status === 407); round++) {
        const offered = parseChallenge(header(r, r.status === 401 ? 'www-authenticate' : 'proxy-authenticate') ?? '');
        if (!offered) throw new Error(`${r.status} without a Digest challenge`);
        // The same nonce refused again, not stale: the password is wrong.
        const stale = /stale\s*=\s*"?true/i.test(header(r, 'www-authenticate') ?? '');
        if (round > 0 && offered.nonce === this.challenge?.nonce && !stale) break;
        this.challenge = offered;
        this.nc = 0;
        r = await this.registerOnce(expires, true);
      }
      if (r.status !== 200) {
        const refused = r.status === 401 || r.status === 403 || r.status === 407;
        this.set(refused ? 'refused' : 'unregistered', `${r.status} ${r.reason}`);
        return this.retry();
      }
      this.registered(r, expires);
    } catch (err) {
      this.set(this.state === 'registered' ? 'offline' : 'unregistered', (err as Error).message);
      this.retry();
    }
  }

  private registered(r: SipResponse, asked: number): void {
    const granted = Number(param(header(r, 'contact') ?? '', 'expires') ?? header(r, 'expires') ?? asked) || asked;
    this.registeredAt = this.now();
    this.expiresAt = this.registeredAt + granted * 1000;
    this.misses = 0;
    const date = header(r, 'date');
    const platformTime = date ? parseSipDate(date, this.d.timeZone) : null;
    if (platformTime !== null) this.d.onClockDrift(this.now() - platformTime);
    this.set('registered', `registered for ${granted} s`);
    // Refresh at 80 % of what the platform granted, and at least a minute before it lapses.
    this.timer = setTimeout(() => void this.register(), Math.max(1000, Math.min(granted * 800, (granted - 60) * 1000)));
    this.startKeepalive();
  }

  private retry(): void {
    this.stopKeepalive();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.register(), this.d.platform.retry_s * 1000);
  }

  private startKeepalive(): void {
    this.stopKeepalive();
    this.keepalive = setInterval(() => void this.beat(), this.d.platform.keepalive_s * 1000);
  }

  private async beat(): Promise<void> {
    const body = writeManscdp(
      { root: 'Notify', cmdType: 'Keepalive', sn: ++this.sn, deviceId: this.d.deviceId, fields: { Status: 'OK' } },
      this.d.platform.encoding,
    );
    try {
      const r = await this.message(body, Math.min(8000, this.d.platform.keepalive_s * 1000));
      if (r.status === 200) {
        this.misses = 0;
        if (this.state === 'offline') this.set('registered', 'keepalive answered again');
        return;
      }
      // 403/404/481: the platform no longer knows this gateway (it restarted): register again now.
      this.d.log.info(
        { platform: this.d.platform.id, status: r.status },
        'gb28181: keepalive refused; registering again',
      );
      this.challenge = null;
      void this.register();
    } catch {
      this.misses++;
      if (this.misses >= this.d.platform.keepalive_misses && this.state !== 'offline') {
        this.set('offline', `${this.misses} keepalives unanswered`);
        void this.register();
      }
    }
  }

  /** A MESSAGE with a MANSCDP body to the platform; resolves with its final answer. */
  message(body: Buffer, timeoutMs?: number): Promise<SipResponse> {
    const h: SipHeader[] = [...this.common('MESSAGE'), ['content-type', 'Application/MANSCDP+xml']];
    return this.tx.request(
      this.key(h),
      writeSip({ kind: 'request', method: 'MESSAGE', uri: this.serverUri, headers: h, body }),
      timeoutMs,
    );
  }

  /**
   * An INVITE to one of the platform's ids (the source of a voice broadcast), as the gateway's
   * channel `from`; resolves with the request and its final answer.
   */
  async invite(
    target: string,
    from: string,
    subject: string,
    sdp: Buffer,
  ): Promise<{ request: SipRequest; response: SipResponse }> {
    const { host, port } = this.d.local();
    const uri = `sip:${target}@${this.d.platform.domain}`;
    const h: SipHeader[] = this.common('INVITE').map(([k, v]): SipHeader => {
      if (k === 'from') return [k, `<sip:${from}@${this.d.platform.domain}>;tag=${token(4)}`];
      if (k === 'to') return [k, `<${uri}>`];
      return [k, v];
    });
    h.push(['contact', `<sip:${from}@${host}:${port}>`], ['subject', subject], ['content-type', 'APPLICATION/SDP']);
    const request: SipRequest = { kind: 'request', method: 'INVITE', uri, headers: h, body: sdp };
    return { request, response: await this.tx.request(this.key(h), writeSip(request), 10_000) };
  }

  /** The ACK or the BYE in the dialog an INVITE of ours made; a BYE resolves with its answer. */
  inDialog(method: 'ACK' | 'BYE', invite: SipRequest, ok: SipResponse): Promise<SipResponse | null> {
    const dialog = {
      from: header(invite, 'from') ?? '',
      to: header(ok, 'to') ?? '',
      callId: header(invite, 'call-id') ?? '',
    };
    const uri = /<([^>]+)>/.exec(header(ok, 'contact') ?? '')?.[1] ?? invite.uri;
    if (method === 'BYE') return this.dialogRequest('BYE', uri, dialog).catch(() => null);
    // The ACK of a 2xx is its own transaction with the INVITE's CSeq number, and is never answered.
    const cseq = (header(invite, 'cseq') ?? '1').split(' ')[0];
    const h = this.dialogHeaders(dialog, `${cseq} ACK`);
    this.d.send(this.peer, writeSip({ kind: 'request', method, uri, headers: h, body: Buffer.alloc(0) }));
    return Promise.resolve(null);
  }

  /** A request in a dialog (a NOTIFY of a subscription, a BYE); resolves with its final answer. */
  dialogRequest(
    method: string,
    uri: string,
    dialog: { from: string; to: string; callId: string },
    extra: SipHeader[] = [],
    body: Buffer = Buffer.alloc(0),
  ): Promise<SipResponse> {
    const h = [...this.dialogHeaders(dialog, `${++this.cseq} ${method}`), ...extra];
    return this.tx.request(this.key(h), writeSip({ kind: 'request', method, uri, headers: h, body }));
  }

  private dialogHeaders(dialog: { from: string; to: string; callId: string }, cseq: string): SipHeader[] {
    const { host, port } = this.d.local();
    return [
      ['via', `SIP/2.0/${this.d.platform.transport.toUpperCase()} ${host}:${port};rport;branch=${branch()}`],
      ['from', dialog.from],
      ['to', dialog.to],
      ['call-id', dialog.callId],
      ['cseq', cseq],
      ['max-forwards', '70'],
    ];
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  /** Unregisters (Expires: 0) if registered, waiting at most two seconds for the answer. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.stopKeepalive();
    if (this.state === 'registered' || this.state === 'offline')
      await Promise.race([this.registerOnce(0, true).catch(() => null), new Promise((r) => setTimeout(r, 2000))]);
    this.tx.close();
    this.set('unregistered', 'stopped');
  }
}
