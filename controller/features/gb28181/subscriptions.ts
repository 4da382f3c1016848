import { header, param, type SipRequest } from './sip-message.ts';

/** What a platform can subscribe to (GB/T 28181 §9.11): catalog changes and alarms. */
export type SubscribedEvent = 'Catalog' | 'Alarm';

/** The dialog a SUBSCRIBE made, from the gateway's side: where its NOTIFYs go and with which headers. */
export interface Subscription {
  platform: string;
  event: SubscribedEvent;
  callId: string;
  /** The gateway's From (the SUBSCRIBE's To with the gateway's tag) and To (the SUBSCRIBE's From). */
  from: string;
  to: string;
  uri: string;
  /** The Event header as the platform sent it (with its id, if any), echoed on every NOTIFY. */
  eventHeader: string;
  expiresAt: number;
  /** Alarms only: the priorities (1 highest) and methods the platform asked for. */
  priorities: [number, number];
  methods: Set<number> | null;
}

/** How long a subscription may last: what the platform asks, within these bounds. */
export const EXPIRES = { min: 60, max: 86_400, default: 3600 } as const;

/**
 * The subscriptions platforms hold: made and refreshed by SUBSCRIBE, ended by Expires 0, by
 * running out, or by a platform that no longer knows the dialog (a 481 to a NOTIFY).
 */
export class Subscriptions {
  private readonly subs = new Map<string, Subscription>();

  /**
   * A SUBSCRIBE for `event` with its query's fields: the granted time in seconds (0: ended).
   * A refresh (same dialog) keeps the dialog and moves the end.
   */
  subscribe(
    platform: string,
    req: SipRequest,
    event: SubscribedEvent,
    fields: Record<string, unknown>,
    tag: string,
    now = Date.now(),
  ): number {
    const callId = header(req, 'call-id') ?? '';
    const asked = Number(header(req, 'expires') ?? EXPIRES.default);
    if (asked === 0 || !Number.isFinite(asked)) {
      this.subs.delete(callId);
      return 0;
    }
    const granted = Math.min(EXPIRES.max, Math.max(EXPIRES.min, Math.floor(asked)));
    const to = header(req, 'to') ?? '';
    const num = (v: unknown, d: number) => (/^[1-4]$/.test(String(v)) ? Number(v) : d);
    const methods = String(fields.AlarmMethod ?? '')
      .split('/')
      .filter((m) => /^\d$/.test(m))
      .map(Number);
    const existing = this.subs.get(callId);
    this.subs.set(callId, {
      platform,
      event,
      callId,
      from: existing?.from ?? (param(to, 'tag') ? to : `${to};tag=${tag}`),
      to: header(req, 'from') ?? '',
      uri: /<([^>]+)>/.exec(header(req, 'contact') ?? '')?.[1] ?? req.uri,
      eventHeader: header(req, 'event') ?? event,
      expiresAt: now + granted * 1000,
      priorities: [num(fields.StartAlarmPriority, 1), num(fields.EndAlarmPriority, 4)],
      methods: methods.length && !methods.includes(0) ? new Set(methods) : null,
    });
    return granted;
  }

  /** The tag the gateway gave a dialog, for answering its refreshes with the same one. */
  tagOf(callId: string): string | undefined {
    const s = this.subs.get(callId);
    return s ? param(s.from, 'tag') : undefined;
  }

  /** The live subscriptions of a platform to an event; those run out are dropped. */
  of(platform: string, event: SubscribedEvent, now = Date.now()): Subscription[] {
    const out: Subscription[] = [];
    for (const [id, s] of this.subs) {
      if (s.expiresAt <= now) this.subs.delete(id);
      else if (s.platform === platform && s.event === event) out.push(s);
    }
    return out;
  }

  /** Does an alarm subscription want this alarm? */
  static wants(s: Subscription, priority: number, method: number): boolean {
    return priority >= s.priorities[0] && priority <= s.priorities[1] && (!s.methods || s.methods.has(method));
  }

  drop(callId: string): void {
    this.subs.delete(callId);
  }

  /** Every subscription of a platform: gone when it registers anew (it restarted and forgot them). */
  forget(platform: string): void {
    for (const [id, s] of this.subs) if (s.platform === platform) this.subs.delete(id);
  }
}
