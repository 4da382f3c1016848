import type { Inbound } from '../../drivers/contract.ts';

type Handler<K extends keyof Inbound> = (message: Inbound[K]) => void;

/** The typed channels from drivers to the features; each message goes to the handlers of its channel. */
export class InboundBus {
  private readonly handlers: { [K in keyof Inbound]?: Handler<K>[] } = {};

  on<K extends keyof Inbound>(channel: K, handler: Handler<K>): void {
    const list: Handler<K>[] = this.handlers[channel] ?? [];
    list.push(handler);
    (this.handlers as Record<K, Handler<K>[]>)[channel] = list;
  }

  send<K extends keyof Inbound>(channel: K, message: Inbound[K]): void {
    for (const h of this.handlers[channel] ?? []) h(message);
  }
}
