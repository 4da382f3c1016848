import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type KeyObject, randomUUID } from 'node:crypto';
import type { Envelope } from '../../controller/uplink/envelope.ts';
import { type Recipient, signCommand } from '../../controller/uplink/signed-command.ts';
import { waitFor } from './ports.ts';

export interface Received {
  topic: string;
  payload: unknown;
  at: number;
}

/**
 * What the district NOC runs: a persistent-session QoS1 subscriber that keeps
 * every message, so tests can count deliveries, duplicates and gaps.
 */
export class NocSubscriber {
  readonly messages: Received[] = [];
  private client!: MqttClient;

  constructor(
    private readonly url: string,
    private readonly filter = 'campus/#',
    private readonly extra: IClientOptions = {},
  ) {}

  async connect(clientId = `noc-${process.pid}-${Math.random().toString(16).slice(2)}`): Promise<this> {
    this.client = mqtt.connect(this.url, { clientId, clean: false, reconnectPeriod: 200, ...this.extra });
    this.client.on('message', (topic, payload) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString());
      } catch {
        parsed = payload.toString();
      }
      this.messages.push({ topic, payload: parsed, at: Date.now() });
    });
    this.client.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      // A refused first connection ends the client, or its reconnect loop would outlive the test.
      const refused = (err: Error) => {
        this.client.end(true);
        reject(err);
      };
      this.client.once('error', refused);
      this.client.once('connect', () => {
        this.client.off('error', refused);
        resolve();
      });
    });
    await this.client.subscribeAsync(this.filter, { qos: 1 });
    return this;
  }

  /** Envelopes (not the retained state) on topics ending with one of the suffixes. */
  envelopes(...suffixes: string[]): (Envelope & { topic: string })[] {
    return this.messages
      .filter((m) => !m.topic.endsWith('/state') && (!suffixes.length || suffixes.some((s) => m.topic.endsWith(s))))
      .map((m) => ({ ...(m.payload as Envelope), topic: m.topic }));
  }

  publish(topic: string, payload: unknown): Promise<unknown> {
    return this.client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
  }

  /** The district's command key, for sites that take only signed commands. */
  signer: { key: KeyObject; to: Recipient } | null = null;

  /** Sends a command as the district does (signed when it has a key) and waits for its answer on cmd-result. */
  async command(
    root: string,
    name: string,
    args: object,
    timeoutMs = 30_000,
  ): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    const id = randomUUID();
    const s = this.signer;
    await this.publish(
      `${root}/cmd/${name}`,
      s ? signCommand(s.key, { id, name, ...s.to, args: args as Record<string, unknown> }) : { id, args },
    );
    const answer = () => this.envelopes('/cmd-result').find((e) => e.data.requestId === id);
    await waitFor(`the answer to ${name}`, () => answer() !== undefined, timeoutMs, 20);
    return answer()!.data as { ok: boolean; result?: unknown; error?: string };
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => {});
  }
}
