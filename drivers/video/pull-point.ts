import { XMLParser } from 'fast-xml-parser';
import { type OnvifNotification, parseNotifications } from './onvif-events.ts';

/** Renew when this share of the subscription's life has passed: well before it ends, not on every pull. */
const RENEW_AT = 0.75;
/**
 * An empty answer sooner than this after the pull began is a camera ignoring the pull's timeout;
 * the next pull waits out the rest, or such a camera is asked hundreds of times a second.
 */
export const MIN_PULL_MS = 1000;
const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false });

/** How the subscription reaches the camera: a SOAP body to the event service, or to the subscription's address. */
export interface SoapChannel {
  request(body: string, options: { to?: string; replyTimeoutMs?: number }): Promise<string>;
}

/**
 * An ONVIF PullPoint subscription (ONVIF Core §9.1), apart from any transport:
 * create it, renew it at 75 % of its life (not on every pull, as the onvif
 * package does), pull with a timeout that never runs past the next renewal,
 * and unsubscribe so the camera never collects stale subscriptions. The
 * channel is injected, so tests script the camera's answers.
 */
export class PullPoint {
  /** `lifeMs` is what the camera granted, which may be less (or more) than what was asked. */
  private sub: { address: string; expires: number; lifeMs: number } | null = null;
  private lastPull: { at: number; empty: boolean } | null = null;
  readonly counters = { subscriptions: 0, renewals: 0, pulls: 0, notifications: 0, malformed: 0, throttled: 0 };

  constructor(
    private readonly channel: SoapChannel,
    private readonly lifeS: number,
    private readonly pullTimeoutS: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  get subscribed(): boolean {
    return this.sub !== null;
  }

  async subscribe(): Promise<void> {
    await this.unsubscribe();
    const created = await this.channel.request(
      `<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"><InitialTerminationTime>PT${this.lifeS}S</InitialTerminationTime></CreatePullPointSubscription>`,
      {},
    );
    const answer = (
      xml.parse(created) as {
        Envelope?: {
          Body?: { CreatePullPointSubscriptionResponse?: Granted & { SubscriptionReference?: { Address?: string } } };
        };
      }
    ).Envelope?.Body?.CreatePullPointSubscriptionResponse;
    const address = answer?.SubscriptionReference?.Address;
    if (!address) throw new Error('CreatePullPointSubscription returned no address');
    const lifeMs = grantedMs(answer, this.lifeS * 1000);
    this.sub = { address, expires: this.now() + lifeMs, lifeMs };
    this.lastPull = null;
    this.counters.subscriptions++;
  }

  /** One round: renew when due, then one pull; the notifications it brought (none for a malformed answer). */
  async next(): Promise<OnvifNotification[]> {
    const sub = this.sub;
    if (!sub) throw new Error('not subscribed');
    const renewAt = () => sub.expires - sub.lifeMs * (1 - RENEW_AT);
    if (this.now() >= renewAt()) {
      const renewed = await this.channel.request(
        `<Renew xmlns="http://docs.oasis-open.org/wsn/b-2"><TerminationTime>PT${this.lifeS}S</TerminationTime></Renew>`,
        { to: sub.address },
      );
      // The camera says how long it renewed for; a camera that grants less must be renewed sooner.
      sub.lifeMs = grantedMs(
        (xml.parse(renewed) as { Envelope?: { Body?: { RenewResponse?: Granted } } }).Envelope?.Body?.RenewResponse,
        this.lifeS * 1000,
      );
      sub.expires = this.now() + sub.lifeMs;
      this.counters.renewals++;
    }
    if (this.lastPull?.empty) {
      const early = this.lastPull.at + MIN_PULL_MS - this.now();
      if (early > 0) {
        this.counters.throttled++;
        await this.sleep(early);
      }
    }
    const wait = Math.max(1, Math.min(this.pullTimeoutS, Math.floor((renewAt() - this.now()) / 1000)));
    const startedAt = this.now();
    const res = await this.channel.request(
      `<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>PT${wait}S</Timeout><MessageLimit>100</MessageLimit></PullMessages>`,
      { to: sub.address, replyTimeoutMs: (wait + 10) * 1000 },
    );
    this.counters.pulls++;
    try {
      const notes = parseNotifications(res);
      this.counters.notifications += notes.length;
      this.lastPull = { at: startedAt, empty: notes.length === 0 };
      return notes;
    } catch {
      this.counters.malformed++;
      this.lastPull = { at: startedAt, empty: true };
      return [];
    }
  }

  /** Best effort: a camera that is gone cannot be told, and its subscription ends by itself. */
  async unsubscribe(): Promise<void> {
    const sub = this.sub;
    this.sub = null;
    if (!sub) return;
    await this.channel
      .request('<Unsubscribe xmlns="http://docs.oasis-open.org/wsn/b-2"/>', { to: sub.address })
      .catch(() => {});
  }
}

/** The times a subscription answer carries (WS-BaseNotification): the camera's clock, and when it ends. */
interface Granted {
  CurrentTime?: string;
  TerminationTime?: string;
}

/**
 * How long the camera granted, from its own two clocks (its clock may be far from ours); what was
 * asked when it does not say, or says something that cannot be (past, or over a day).
 */
function grantedMs(a: Granted | undefined, askedMs: number): number {
  const end = Date.parse(a?.TerminationTime ?? '');
  const now = Date.parse(a?.CurrentTime ?? '');
  const ms = end - now;
  return Number.isFinite(ms) && ms > 0 && ms <= 86_400_000 ? ms : askedMs;
}
