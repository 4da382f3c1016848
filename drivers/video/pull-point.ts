import { XMLParser } from 'fast-xml-parser';
import { type OnvifNotification, parseNotifications } from './onvif-events.ts';

/** Renew when this share of the subscription's life has passed: well before it ends, not on every pull. */
const RENEW_AT = 0.75;
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
  private sub: { address: string; expires: number } | null = null;
  readonly counters = { subscriptions: 0, renewals: 0, pulls: 0, notifications: 0, malformed: 0 };

  constructor(
    private readonly channel: SoapChannel,
    private readonly lifeS: number,
    private readonly pullTimeoutS: number,
    private readonly now: () => number = Date.now,
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
    const address = (
      xml.parse(created) as {
        Envelope?: {
          Body?: { CreatePullPointSubscriptionResponse?: { SubscriptionReference?: { Address?: string } } };
        };
      }
    ).Envelope?.Body?.CreatePullPointSubscriptionResponse?.SubscriptionReference?.Address;
    if (!address) throw new Error('CreatePullPointSubscription returned no address');
    this.sub = { address, expires: this.now() + this.lifeS * 1000 };
    this.counters.subscriptions++;
  }

  /** One round: renew when due, then one pull; the notifications it brought (none for a malformed answer). */
  async next(): Promise<OnvifNotification[]> {
    const sub = this.sub;
    if (!sub) throw new Error('not subscribed');
    const lifeMs = this.lifeS * 1000;
    const renewAt = () => sub.expires - lifeMs * (1 - RENEW_AT);
    if (this.now() >= renewAt()) {
      await this.channel.request(
        `<Renew xmlns="http://docs.oasis-open.org/wsn/b-2"><TerminationTime>PT${this.lifeS}S</TerminationTime></Renew>`,
        { to: sub.address },
      );
      sub.expires = this.now() + lifeMs;
      this.counters.renewals++;
    }
    const wait = Math.max(1, Math.min(this.pullTimeoutS, Math.floor((renewAt() - this.now()) / 1000)));
    const res = await this.channel.request(
      `<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>PT${wait}S</Timeout><MessageLimit>100</MessageLimit></PullMessages>`,
      { to: sub.address, replyTimeoutMs: (wait + 10) * 1000 },
    );
    this.counters.pulls++;
    try {
      const notes = parseNotifications(res);
      this.counters.notifications += notes.length;
      return notes;
    } catch {
      this.counters.malformed++;
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
