import { randomBytes } from 'node:crypto';
import { header, param, type SipHeader, type SipMessage, type SipRequest, type SipResponse } from './sip-message.ts';

/** Tags, branches and Call-IDs: random, so that a restarted gateway never reuses one. */
export const token = (bytes = 8) => randomBytes(bytes).toString('hex');
export const branch = () => `z9hG4bK${token()}`;

/** The response to a request, as RFC 3261 §8.2.6 builds it: Via, From, To (with our tag), Call-ID, CSeq copied. */
export function responseTo(
  req: SipRequest,
  status: number,
  reason: string,
  extra: SipHeader[] = [],
  toTag = token(4),
): SipResponse {
  const to = header(req, 'to') ?? '';
  return {
    kind: 'response',
    status,
    reason,
    headers: [
      ...req.headers.filter(([k]) => k === 'via'),
      ['from', header(req, 'from') ?? ''],
      ['to', param(to, 'tag') ? to : `${to};tag=${toTag}`],
      ['call-id', header(req, 'call-id') ?? ''],
      ['cseq', header(req, 'cseq') ?? ''],
      ...extra,
    ],
    body: Buffer.alloc(0),
  };
}

/** The key a response finds its request by: the top Via's branch and the CSeq method. */
export function transactionKey(m: SipMessage): string | null {
  const b = param(header(m, 'via') ?? '', 'branch');
  const method = header(m, 'cseq')?.split(' ')[1];
  return b && method ? `${b} ${method}` : null;
}

interface Pending {
  resolve(r: SipResponse): void;
  reject(e: Error): void;
  timers: NodeJS.Timeout[];
}

/**
 * Client transactions (RFC 3261 §17.1.2, non-INVITE): over UDP the request is sent again at
 * 0.5, 1, 2 and 4 s until an answer comes; a provisional answer stops the resends; a final one
 * ends the transaction. No final answer within the timeout is a failure, never an ok.
 */
export class Transactions {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly send: (bytes: Buffer) => void,
    private readonly reliable: () => boolean,
    private readonly timeoutMs = 8000,
  ) {}

  request(key: string, bytes: Buffer, timeoutMs = this.timeoutMs): Promise<SipResponse> {
    return new Promise((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      this.pending.set(key, { resolve, reject, timers });
      this.send(bytes);
      if (!this.reliable())
        for (const at of [500, 1500, 3500, 7500].filter((t) => t < timeoutMs))
          timers.push(setTimeout(() => this.send(bytes), at));
      timers.push(
        setTimeout(() => {
          this.finish(key);
          reject(new Error(`no answer in ${timeoutMs / 1000} s`));
        }, timeoutMs),
      );
    });
  }

  /** An answer: true when it belonged to a transaction of ours (a stray or repeated one is false). */
  answer(r: SipResponse): boolean {
    const key = transactionKey(r);
    const p = key ? this.pending.get(key) : undefined;
    if (!p || !key) return false;
    if (r.status < 200) {
      for (const t of p.timers.slice(0, -1)) clearTimeout(t);
      return true;
    }
    this.finish(key);
    p.resolve(r);
    return true;
  }

  private finish(key: string): void {
    for (const t of this.pending.get(key)?.timers ?? []) clearTimeout(t);
    this.pending.delete(key);
  }

  close(): void {
    for (const [key, p] of this.pending) {
      this.finish(key);
      p.reject(new Error('closed'));
    }
  }
}
