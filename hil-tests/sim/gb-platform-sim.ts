/**
 * An upper platform as GB/T 28181 describes it, for the cases sipp's scripts cannot follow:
 * several calls at once, media over TCP in both directions, repeated requests. It takes the
 * gateway's REGISTER and keepalives (200 OK), places calls and keeps every message it got. It
 * writes and reads SIP as text itself, from RFC 3261, not with the gateway's codec.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server, type Socket as TcpSocket } from 'node:net';

export interface SimMessage {
  start: string;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

function parse(text: string): SimMessage {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [start = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { start, headers, body, raw: text };
}

const rand = () => randomBytes(6).toString('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export class GbPlatformSim {
  readonly received: SimMessage[] = [];
  private udp: Socket | null = null;
  private gateway: { host: string; port: number } | null = null;
  private waiters: { match: (m: SimMessage) => boolean; resolve: (m: SimMessage) => void }[] = [];
  private cseq = 100;
  /** With a password, REGISTER is challenged (RFC 2617 digest, as GB/T 28181 §9.1.2 has it) and checked here. */
  password: string | null = null;
  private nonce = rand();
  /** Whether the gateway's registration is current; a restart forgets it. */
  private known = false;
  registrations = 0;
  /** MESSAGEs refused because the gateway was not (or no longer) registered. */
  forbidden = 0;
  /** The SDP the platform answers the gateway's INVITEs with (a voice broadcast's audio call); null: 486 Busy Here. */
  answerInvite: ((offer: SimMessage) => string | null) | null = null;

  constructor(
    readonly serverId: string,
    readonly domain: string,
  ) {}

  async start(): Promise<number> {
    const udp = createSocket('udp4');
    this.udp = udp;
    udp.on('message', (buf, rinfo) => this.onMessage(parse(buf.toString('latin1')), rinfo));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    return udp.address().port;
  }

  /** The platform restarts: a new nonce, and the gateway's registration forgotten (its MESSAGEs get 403). */
  restart(): void {
    this.nonce = rand();
    this.known = false;
  }

  /** Does the REGISTER carry a digest response for the current nonce and the password? */
  private authorized(m: SimMessage): boolean {
    if (this.password === null) return true;
    const auth = m.headers.authorization ?? '';
    const p = (k: string) => new RegExp(`${k}="?([^",]+)"?`).exec(auth)?.[1] ?? '';
    if (p('nonce') !== this.nonce) return false;
    const ha1 = md5(`${p('username')}:${this.domain}:${this.password}`);
    const ha2 = md5(`REGISTER:${p('uri')}`);
    const expected = p('qop')
      ? md5(`${ha1}:${this.nonce}:${p('nc')}:${p('cnonce')}:${p('qop')}:${ha2}`)
      : md5(`${ha1}:${this.nonce}:${ha2}`);
    return p('response') === expected;
  }

  private onMessage(m: SimMessage, from: { address: string; port: number }): void {
    this.received.push(m);
    this.gateway = { host: from.address, port: from.port };
    const register = m.start.startsWith('REGISTER');
    const status = register
      ? this.authorized(m)
        ? '200 OK'
        : '401 Unauthorized'
      : m.start.startsWith('MESSAGE') && !this.known
        ? '403 Forbidden'
        : '200 OK';
    if (status.startsWith('403')) this.forbidden++;
    if (register && status === '200 OK') {
      this.known = m.headers.expires !== '0';
      this.registrations++;
    }
    if (/^(REGISTER|MESSAGE|BYE|NOTIFY) /.test(m.start)) {
      this.send(
        `${[
          `SIP/2.0 ${status}`,
          `Via: ${m.headers.via}`,
          `From: ${m.headers.from}`,
          `To: ${m.headers.to}${/tag=/.test(m.headers.to ?? '') ? '' : `;tag=${rand()}`}`,
          `Call-ID: ${m.headers['call-id']}`,
          `CSeq: ${m.headers.cseq}`,
          ...(register && status === '200 OK' ? [`Contact: ${m.headers.contact}`, 'Expires: 3600'] : []),
          ...(status.startsWith('401')
            ? [`WWW-Authenticate: Digest realm="${this.domain}", nonce="${this.nonce}", algorithm=MD5`]
            : []),
          'Content-Length: 0',
        ].join('\r\n')}\r\n\r\n`,
      );
    }
    if (m.start.startsWith('INVITE')) this.answer(m);
    for (const w of [...this.waiters])
      if (w.match(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
  }

  private answer(m: SimMessage): void {
    const sdp = this.answerInvite?.(m) ?? null;
    this.send(
      [
        sdp === null ? 'SIP/2.0 486 Busy Here' : 'SIP/2.0 200 OK',
        `Via: ${m.headers.via}`,
        `From: ${m.headers.from}`,
        `To: ${m.headers.to};tag=${rand()}`,
        `Call-ID: ${m.headers['call-id']}`,
        `CSeq: ${m.headers.cseq}`,
        `Contact: <sip:${this.serverId}@127.0.0.1:${this.udp!.address().port}>`,
        ...(sdp === null
          ? ['Content-Length: 0', '', '']
          : ['Content-Type: APPLICATION/SDP', `Content-Length: ${sdp.length}`, '', sdp]),
      ].join('\r\n'),
    );
  }

  /** A MESSAGE with a MANSCDP body to the gateway. */
  message(gatewayId: string, xml: string): void {
    this.request('MESSAGE', gatewayId, xml, []);
  }

  /**
   * A SUBSCRIBE (§9.11) with a MANSCDP query, in the dialog `callId` (a refresh reuses it, with
   * the gateway's tag); resolves with the final answer.
   */
  subscribe(
    gatewayId: string,
    xml: string,
    o: { callId: string; expires: number; event: string; toTag?: string },
  ): Promise<SimMessage> {
    const final = this.next((m) => m.headers['call-id'] === o.callId && /^SIP\/2.0 [2-6]/.test(m.start));
    this.request(
      'SUBSCRIBE',
      gatewayId,
      xml,
      [`Expires: ${o.expires}`, `Event: ${o.event}`, `Contact: <sip:${this.serverId}@127.0.0.1:${this.port}>`],
      o,
    );
    return final;
  }

  private request(
    method: string,
    gatewayId: string,
    xml: string,
    extra: string[],
    dialog?: { callId: string; toTag?: string },
  ): void {
    this.send(
      [
        `${method} sip:${gatewayId}@${this.domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${rand()}`,
        `From: <sip:${this.serverId}@${this.domain}>;tag=${dialog ? `d${dialog.callId}` : rand()}`,
        `To: <sip:${gatewayId}@${this.domain}>${dialog?.toTag ? `;tag=${dialog.toTag}` : ''}`,
        `Call-ID: ${dialog?.callId ?? rand()}`,
        `CSeq: ${++this.cseq} ${method}`,
        'Max-Forwards: 70',
        ...extra,
        'Content-Type: Application/MANSCDP+xml',
        `Content-Length: ${Buffer.byteLength(xml)}`,
        '',
        xml,
      ].join('\r\n'),
    );
  }

  get port(): number {
    return this.udp!.address().port;
  }

  get registered(): boolean {
    return this.known;
  }

  send(text: string): void {
    if (!this.gateway) throw new Error('the gateway has not registered yet');
    this.udp!.send(Buffer.from(text, 'latin1'), this.gateway.port, this.gateway.host);
  }

  /** The next message that matches, within the time. */
  next(match: (m: SimMessage) => boolean, timeoutMs = 15_000): Promise<SimMessage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  /** An INVITE for a channel's live video; the text is returned so that a test can send it again. */
  invite(channel: string, sdp: string, callId = rand()): { callId: string; text: string; final: Promise<SimMessage> } {
    const cseq = ++this.cseq;
    const text = [
      `INVITE sip:${channel}@${this.domain} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.udp!.address().port};branch=z9hG4bK${rand()}`,
      `From: <sip:${this.serverId}@${this.domain}>;tag=${rand()}`,
      `To: <sip:${channel}@${this.domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${this.serverId}@127.0.0.1:${this.udp!.address().port}>`,
      `Subject: ${channel}:0100000002,${this.serverId}:0`,
      'Max-Forwards: 70',
      'Content-Type: APPLICATION/SDP',
      `Content-Length: ${Buffer.byteLength(sdp, 'latin1')}`,
      '',
      sdp,
    ].join('\r\n');
    const final = this.next((m) => m.headers['call-id'] === callId && /^SIP\/2.0 [2-6]/.test(m.start));
    this.send(text);
    return { callId, text, final };
  }

  /** The ACK (or BYE) in the dialog an INVITE's final answer made. */
  inDialog(method: 'ACK' | 'BYE', invite: string, answer: SimMessage): void {
    const line = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(invite)?.[1] ?? '';
    const cseq = Number(line('CSeq').split(' ')[0]);
    this.send(
      `${[
        `${method} ${invite.split(' ')[1]} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.udp!.address().port};branch=z9hG4bK${rand()}`,
        `From: ${line('From')}`,
        `To: ${answer.headers.to}`,
        `Call-ID: ${line('Call-ID')}`,
        `CSeq: ${method === 'ACK' ? cseq : cseq + 1} ${method}`,
        'Max-Forwards: 70',
        'Content-Length: 0',
      ].join('\r\n')}\r\n\r\n`,
    );
  }

  stop(): void {
    this.udp?.close();
    this.udp = null;
  }
}

/** The platform's side of RTP over TCP (RFC 4571): each packet's payload, in order. */
export class TcpRtpReceiver {
  readonly packets: Buffer[] = [];
  private pending = Buffer.alloc(0);
  private server: Server | null = null;
  private socket: TcpSocket | null = null;
  closed = false;

  private take(s: TcpSocket): void {
    this.socket = s;
    s.on('data', (d: Buffer) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 2 && this.pending.length >= 2 + this.pending.readUInt16BE(0)) {
        this.packets.push(this.pending.subarray(2, 2 + this.pending.readUInt16BE(0)));
        this.pending = this.pending.subarray(2 + this.pending.readUInt16BE(0));
      }
    });
    s.on('close', () => (this.closed = true));
    s.on('error', () => {});
  }

  /** Passive: the platform listens and the gateway connects. */
  async listen(): Promise<number> {
    const server = createServer((s) => this.take(s));
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  }

  /** Active: the platform connects to the port of the gateway's answer. */
  connect(port: number): void {
    this.take(connect(port, '127.0.0.1'));
  }

  stop(): void {
    this.socket?.destroy();
    this.server?.close();
  }
}
