import { type DigestChallenge, digestAuthorization, parseChallenge } from '../../../drivers/video/http-digest.ts';
import type { Logger } from '../../core/logger.ts';
import { branch, responseTo, token, Transactions } from '../gb28181/sip-dialogs.ts';
import {
  header,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  writeSip,
} from '../gb28181/sip-message.ts';
import { type SipPeer, SipSocket } from '../gb28181/sip-socket.ts';

export interface CentreDialog {
  callId: string;
  invite: SipRequest;
  ok: SipResponse;
}

/** Where the centre's SIP address points: host and port (5060 when absent), over UDP. */
export function centrePeer(uri: string): SipPeer {
  const m = /^sip:[^@]+@([0-9.]+)(?::(\d+))?$/.exec(uri);
  if (!m) throw new Error(`not a sip:user@host[:port] address: ${uri}`);
  return { host: m[1]!, port: Number(m[2] ?? 5060), transport: 'udp' };
}

export type CallOutcome = { ok: true; dialog: CentreDialog } | { ok: false; status: number | null; detail: string };

/**
 * The gateway's SIP user agent toward the alarm centre (RFC 3261, UDP): places calls with an
 * INVITE, acknowledges every final answer (and a 200 sent again), cancels a call that rings too
 * long, answers the centre's BYE and OPTIONS, and hangs up with a BYE. It takes no calls.
 */
export class CentreLink {
  private readonly socket: SipSocket;
  private readonly tx: Transactions;
  private readonly dialogs = new Map<string, { dialog: CentreDialog; ended: (reason: string) => void }>();
  private cseq = 0;
  readonly peer: SipPeer;

  constructor(
    private readonly d: {
      uri: string;
      sipPort: number;
      host: string;
      fromUser: string;
      ringTimeoutMs: number;
      /** For a centre that challenges (401, or 407 from its proxy). */
      credentials?: { username: string; password: string };
      log: Logger;
    },
  ) {
    this.peer = centrePeer(d.uri);
    this.socket = new SipSocket(d.sipPort, d.log, (msg, from) => this.onMessage(msg, from), 'alarm centre');
    this.tx = new Transactions(
      (bytes) => this.socket.send(this.peer, bytes),
      () => false,
    );
  }

  get stats() {
    return this.socket.stats;
  }

  get port(): number {
    return this.socket.port;
  }

  open(): Promise<void> {
    return this.socket.open();
  }

  private base(method: string, callId: string, from: string, to: string, cseq: number): SipHeader[] {
    return [
      ['via', `SIP/2.0/UDP ${this.d.host}:${this.port};rport;branch=${branch()}`],
      ['from', from],
      ['to', to],
      ['call-id', callId],
      ['cseq', `${cseq} ${method}`],
      ['max-forwards', '70'],
      ['user-agent', 'campus-edge'],
    ];
  }

  private key(h: SipHeader[]): string {
    const via = h.find(([k]) => k === 'via')![1];
    return `${/branch=([^;]+)/.exec(via)![1]} ${h.find(([k]) => k === 'cseq')![1].split(' ')[1]}`;
  }

  /** Places a call with this SDP offer; `ended` is told when the centre hangs up. */
  async call(sdp: string, subject: string, ended: (reason: string) => void): Promise<CallOutcome> {
    const callId = `${token()}@campus-edge`;
    const from = `<sip:${this.d.fromUser}@${this.d.host}>;tag=${token(4)}`;
    const h: SipHeader[] = [
      ...this.base('INVITE', callId, from, `<${this.d.uri}>`, ++this.cseq),
      ['contact', `<sip:${this.d.fromUser}@${this.d.host}:${this.port}>`],
      ['subject', subject],
      ['allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS'],
      ['content-type', 'application/sdp'],
    ];
    let invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri: this.d.uri,
      headers: h,
      body: Buffer.from(sdp, 'latin1'),
    };
    let response: SipResponse;
    for (let asked = false; ; asked = true) {
      try {
        response = await this.tx.request(this.key(invite.headers), writeSip(invite), this.d.ringTimeoutMs);
      } catch (err) {
        this.cancel(invite);
        return { ok: false, status: null, detail: `no answer: ${(err as Error).message}` };
      }
      const challenge = this.challenge(response);
      if (!challenge || asked || !this.d.credentials) break;
      // Answered with a challenge: acknowledged, then the same call again with our credentials.
      this.send(this.ackFor(invite, response, true));
      invite = this.authorized(invite, challenge);
    }
    if (response.status >= 300) {
      // A final refusal is acknowledged in the INVITE's own transaction (§17.1.1.3).
      this.send(this.ackFor(invite, response, true));
      return { ok: false, status: response.status, detail: `${response.status} ${response.reason}` };
    }
    const dialog = { callId, invite, ok: response };
    this.dialogs.set(callId, { dialog, ended });
    this.send(this.ackFor(invite, response, false));
    return { ok: true, dialog };
  }

  private challenge(r: SipResponse): { header: string; challenge: DigestChallenge } | null {
    if (r.status !== 401 && r.status !== 407) return null;
    const value = header(r, r.status === 401 ? 'www-authenticate' : 'proxy-authenticate');
    const challenge = value ? parseChallenge(value) : null;
    return challenge && { header: r.status === 401 ? 'authorization' : 'proxy-authorization', challenge };
  }

  /** The INVITE again, the next CSeq and a new branch, with the answer to the challenge. */
  private authorized(invite: SipRequest, c: { header: string; challenge: DigestChallenge }): SipRequest {
    const { username, password } = this.d.credentials!;
    const headers = invite.headers.map(([k, v]): SipHeader => {
      if (k === 'via') return [k, v.replace(/branch=[^;]+/, `branch=${branch()}`)];
      if (k === 'cseq') return [k, `${++this.cseq} INVITE`];
      return [k, v];
    });
    headers.push([
      c.header,
      digestAuthorization(c.challenge, { username, password, method: 'INVITE', uri: invite.uri }),
    ]);
    return { ...invite, headers };
  }

  /** The ACK of a final answer: a 2xx gets its own transaction in the dialog, a refusal the INVITE's. */
  private ackFor(invite: SipRequest, answer: SipResponse, sameTransaction: boolean): SipRequest {
    const cseq = Number((header(invite, 'cseq') ?? '1').split(' ')[0]);
    const h = this.base('ACK', header(invite, 'call-id')!, header(invite, 'from')!, header(answer, 'to')!, cseq);
    if (sameTransaction) h[0] = ['via', header(invite, 'via')!];
    const uri = sameTransaction ? invite.uri : this.target(invite, answer);
    return { kind: 'request', method: 'ACK', uri, headers: h, body: Buffer.alloc(0) };
  }

  private target(invite: SipRequest, answer: SipResponse): string {
    return /<([^>]+)>/.exec(header(answer, 'contact') ?? '')?.[1] ?? invite.uri;
  }

  private cancel(invite: SipRequest): void {
    const cseq = (header(invite, 'cseq') ?? '1').split(' ')[0];
    const h: SipHeader[] = [
      ['via', header(invite, 'via')!],
      ['from', header(invite, 'from')!],
      ['to', header(invite, 'to')!],
      ['call-id', header(invite, 'call-id')!],
      ['cseq', `${cseq} CANCEL`],
      ['max-forwards', '70'],
    ];
    this.send({ kind: 'request', method: 'CANCEL', uri: invite.uri, headers: h, body: Buffer.alloc(0) });
  }

  /** Ends a call with a BYE; resolves once the centre answered it or it timed out. */
  async hangUp(dialog: CentreDialog): Promise<void> {
    if (!this.dialogs.delete(dialog.callId)) return;
    const h = this.base('BYE', dialog.callId, header(dialog.invite, 'from')!, header(dialog.ok, 'to')!, ++this.cseq);
    const bye: SipRequest = {
      kind: 'request',
      method: 'BYE',
      uri: this.target(dialog.invite, dialog.ok),
      headers: h,
      body: Buffer.alloc(0),
    };
    await this.tx.request(this.key(h), writeSip(bye), 4000).catch(() => null);
  }

  private send(m: SipMessage): void {
    this.socket.send(this.peer, writeSip(m));
  }

  private reply(req: SipRequest, to: SipPeer, status: number, reason: string): void {
    this.socket.send(to, writeSip(responseTo(req, status, reason)));
  }

  private onMessage(m: SipMessage, from: SipPeer): void {
    const callId = header(m, 'call-id') ?? '';
    if (m.kind === 'response') {
      if (this.tx.answer(m)) return;
      // A 200 sent again: our ACK was lost.
      const known = this.dialogs.get(callId);
      if (known && m.status >= 200 && m.status < 300 && /INVITE$/.test(header(m, 'cseq') ?? ''))
        this.send(this.ackFor(known.dialog.invite, m, false));
      return;
    }
    if (m.method === 'ACK') return;
    const known = this.dialogs.get(callId);
    const [status, reason] = this.answerTo(m, known);
    if (status !== 200 || m.method !== 'INVITE') this.reply(m, from, status, reason);
    // A re-INVITE (a session refresh) keeps the call as it is.
    else
      this.socket.send(
        from,
        writeSip({
          ...responseTo(m, 200, 'OK', [['content-type', 'application/sdp']]),
          body: known!.dialog.invite.body,
        }),
      );
    if (m.method === 'BYE' && known) {
      this.dialogs.delete(callId);
      known.ended('the centre hung up');
    }
  }

  /** What a request from the centre gets: the gateway takes no calls of its own. */
  private answerTo(m: SipRequest, known: unknown): [number, string] {
    if (m.method === 'OPTIONS') return [200, 'OK'];
    if (m.method === 'INVITE') return known ? [200, 'OK'] : [486, 'Busy Here'];
    if (m.method === 'BYE' && known) return [200, 'OK'];
    if (m.method === 'BYE' || m.method === 'CANCEL') return [481, 'Call/Transaction Does Not Exist'];
    return [405, 'Method Not Allowed'];
  }

  /** Hangs up every call and closes the port. */
  async close(): Promise<void> {
    const open = [...this.dialogs.values()];
    for (const { dialog, ended } of open) {
      await Promise.race([this.hangUp(dialog), new Promise((r) => setTimeout(r, 1000))]);
      ended('the gateway stopped');
    }
    this.tx.close();
    this.socket.close();
  }
}
