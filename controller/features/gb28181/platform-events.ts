import type { Gb28181Config, Gb28181Platform, SiteConfig } from '../../config/types.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { StoredEvent } from '../../core/types.ts';
import { gbAlarm } from './alarm-notify.ts';
import type { Reply } from './live-calls.ts';
import { catalogItems, catalogResponses } from './manscdp-answers.ts';
import { ManscdpError, parseManscdp, writeManscdp } from './manscdp.ts';
import type { PlatformAlarmState } from './platform-control.ts';
import type { PlatformLink } from './platform-link.ts';
import { header, type SipRequest } from './sip-message.ts';
import { type SubscribedEvent, type Subscription, Subscriptions } from './subscriptions.ts';

export interface EventDeps {
  site: SiteConfig;
  gb: Gb28181Config;
  log: Logger;
  pipeline: Pipeline;
  online(device: string): boolean;
  links: ReadonlyMap<string, PlatformLink>;
  alarmState: ReadonlyMap<string, PlatformAlarmState>;
  /** The next SN of the gateway's own messages (one sequence for all of them). */
  nextSn(): number;
  /** A time as GB/T 28181 writes it: school local time, no zone. */
  deviceTime(ts: number): string;
}

/**
 * What the gateway tells platforms of its own accord, and the subscriptions that ask for it:
 * alarms (as MESSAGEs, or in an alarm subscription's dialog) and catalog changes (to catalog
 * subscriptions).
 */
export class PlatformEvents {
  readonly subscriptions = new Subscriptions();

  constructor(private readonly d: EventDeps) {}

  /**
   * A SUBSCRIBE to the catalog or to alarms (§9.11): answered with the time granted, and for the
   * catalog the whole of it at once; changes follow as NOTIFYs in the subscription's dialog.
   */
  async subscribe(p: Gb28181Platform, req: SipRequest, reply: Reply): Promise<void> {
    let q: ReturnType<typeof parseManscdp>;
    try {
      q = parseManscdp(req.body);
    } catch (err) {
      if (!(err instanceof ManscdpError)) throw err;
      this.d.log.warn({ platform: p.id, reason: err.message }, 'gb28181: a SUBSCRIBE that is not MANSCDP refused');
      reply(400, 'Bad Request');
      return;
    }
    const event: SubscribedEvent | null =
      q.root === 'Query' && (q.cmdType === 'Catalog' || q.cmdType === 'Alarm') ? q.cmdType : null;
    if (!event) {
      reply(489, 'Bad Event');
      return;
    }
    const granted = this.subscriptions.subscribe(p.id, req, event, q.fields, reply.tag);
    reply(
      200,
      'OK',
      [
        ['expires', String(granted)],
        ['content-type', 'Application/MANSCDP+xml'],
      ],
      writeManscdp(
        { root: 'Response', cmdType: event, sn: q.sn, deviceId: q.deviceId, fields: { Result: 'OK' } },
        p.encoding,
      ),
    );
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.query',
      source: p.id,
      severity: 'info',
      data: {
        platform: p.id,
        cmdType: event,
        sn: q.sn,
        answered: true,
        detail: granted ? `subscribed for ${granted} s` : 'subscription ended',
      },
    });
    const sub = this.subscriptions.of(p.id, event).find((s) => s.callId === header(req, 'call-id'));
    if (!sub || event !== 'Catalog') return;
    const items = catalogItems(this.d.site, this.d.gb, p, this.d.online);
    for (const body of catalogResponses(items, q.sn, this.d.gb.device_id, p.encoding, undefined, 'Notify'))
      await this.notify(sub, body).catch(() => null);
  }

  /** A NOTIFY in a subscription's dialog; a platform that no longer knows the dialog (481) ends it. */
  private async notify(s: Subscription, body: Buffer) {
    const left = Math.max(0, Math.round((s.expiresAt - Date.now()) / 1000));
    const r = await this.d.links.get(s.platform)!.dialogRequest(
      'NOTIFY',
      s.uri,
      { from: s.from, to: s.to, callId: s.callId },
      [
        ['event', s.eventHeader],
        ['subscription-state', `active;expires=${left}`],
        ['content-type', 'Application/MANSCDP+xml'],
      ],
      body,
    );
    if (r.status === 481) this.subscriptions.drop(s.callId);
    return r;
  }

  /** A channel's device came online or went offline: told to the platforms subscribed to the catalog. */
  private catalogChanged(device: string, on: boolean): void {
    for (const p of this.d.gb.platforms) {
      const channel = p.channels[device];
      const subs = channel ? this.subscriptions.of(p.id, 'Catalog') : [];
      const item = subs.length
        ? catalogItems(this.d.site, this.d.gb, p, this.d.online).find((i) => i.DeviceID === channel)
        : undefined;
      if (!item) continue;
      const body = writeManscdp(
        {
          root: 'Notify',
          cmdType: 'Catalog',
          sn: this.d.nextSn(),
          deviceId: this.d.gb.device_id,
          fields: {
            SumNum: 1,
            DeviceList: { '@Num': 1, Item: [{ ...item, Status: on ? 'ON' : 'OFF', Event: on ? 'ON' : 'OFF' }] },
          },
        },
        p.encoding,
      );
      for (const s of subs) void this.notify(s, body).catch(() => null);
    }
  }

  /**
   * Each new alarm the site maps to a channel goes to every registered platform that knows the
   * channel: in its alarm subscription's dialog when it holds one (and only if the subscription
   * asked for such alarms), otherwise as a MESSAGE. Devices coming and going go to catalog subscriptions.
   */
  onRecords(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type === 'device.health' && (e.data.health === 'online' || e.data.health === 'offline'))
        this.catalogChanged(e.source, e.data.health === 'online');
      if (e.type !== 'alarm.raised') continue;
      const a = e.data.alarm as {
        type: string;
        source: string;
        severity: string;
        message: string;
        data: Record<string, unknown>;
      };
      const gb = gbAlarm(a);
      if (!gb) continue;
      for (const p of this.d.gb.platforms) {
        const channel = p.channels[gb.device];
        const link = this.d.links.get(p.id)!;
        const state = this.d.alarmState.get(p.id)!;
        if (!channel || link.state !== 'registered') continue;
        if (!gb.emergency && !state.guarded) continue;
        const subs = this.subscriptions.of(p.id, 'Alarm');
        const wanted = subs.filter((s) => Subscriptions.wants(s, gb.priority, gb.method));
        if (subs.length && !wanted.length) continue;
        // The standard: a channel reports its next alarm once the platform has reset the last one.
        if (state.awaitingReset.has(channel)) {
          state.held++;
          continue;
        }
        state.awaitingReset.add(channel);
        const body = writeManscdp(
          {
            root: 'Notify',
            cmdType: 'Alarm',
            sn: this.d.nextSn(),
            deviceId: channel,
            fields: {
              AlarmPriority: gb.priority,
              AlarmMethod: gb.method,
              AlarmTime: this.d.deviceTime(e.ts),
              AlarmDescription: gb.description,
              ...(gb.alarmType ? { Info: { AlarmType: gb.alarmType } } : {}),
            },
          },
          p.encoding,
        );
        const delivery = wanted.length
          ? Promise.all(wanted.map((s) => this.notify(s, body))).then(
              (rs) => rs.find((r) => r.status === 200) ?? rs[0]!,
            )
          : link.message(body);
        void delivery.then(
          (r) => this.sent(p.id, channel, a.type, r.status === 200, `${r.status} ${r.reason}`),
          (err: Error) => {
            // Not delivered: the channel does not wait for a reset that cannot come.
            state.awaitingReset.delete(channel);
            this.sent(p.id, channel, a.type, false, err.message);
          },
        );
      }
    }
  }

  private sent(platform: string, channel: string, alarm: string, ok: boolean, detail: string): void {
    this.d.pipeline.emit({
      topic: 'events/gb28181',
      type: 'gb28181.alarm-sent',
      source: platform,
      severity: ok ? 'info' : 'warning',
      data: { platform, channel, alarm, delivered: ok, detail },
    });
  }
}
