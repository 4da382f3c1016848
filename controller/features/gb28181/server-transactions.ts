import { header, param, type SipRequest } from './sip-message.ts';

/** How long a request's answer is kept for its repeats: 64 × T1, RFC 3261's Timer J. */
const KEEP_MS = 32_000;
const MAX_KEPT = 4096;

/**
 * Server transactions (RFC 3261 §17.2): a platform that repeats a request (over UDP it resends
 * until it hears an answer) gets the same answer again, and the gateway never acts twice: no
 * second pan of the camera, no second video session.
 */
export class ServerTransactions {
  private readonly kept = new Map<string, { bytes: Buffer | null; at: number }>();

  /**
   * undefined for a request not seen before (remembered from now on); null for one still being
   * handled (the answer will come); otherwise the answer to send again.
   */
  repeat(req: SipRequest, now = Date.now()): Buffer | null | undefined {
    for (const [k, v] of this.kept) {
      if (now - v.at < KEEP_MS && this.kept.size < MAX_KEPT) break;
      this.kept.delete(k);
    }
    const key = this.key(req);
    const seen = this.kept.get(key);
    if (seen) return seen.bytes;
    this.kept.set(key, { bytes: null, at: now });
    return undefined;
  }

  /** The latest answer to a request: a final one replaces a provisional one. */
  answered(req: SipRequest, bytes: Buffer): void {
    const seen = this.kept.get(this.key(req));
    if (seen) seen.bytes = bytes;
  }

  private key(req: SipRequest): string {
    const via = header(req, 'via') ?? '';
    return [param(via, 'branch') ?? via, header(req, 'call-id'), header(req, 'cseq')].join(' ');
  }
}
