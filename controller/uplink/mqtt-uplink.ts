import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { UplinkConnection } from '../config/types.ts';
import type { Logger } from '../core/logger.ts';
import type { Pipeline } from '../core/pipeline.ts';
import { Lane, type StoredEvent } from '../core/types.ts';
import { type Identity, toEnvelope, topicBase } from './envelope.ts';

export interface UplinkStatus {
  url: string;
  connected: boolean;
  since: number | null;
  lastError: string | null;
  reconnects: number;
  published: number;
  acked: number;
  inflight: number;
  window: number;
}

export interface UplinkOptions {
  config: Omit<UplinkConnection, 'allow_plaintext' | 'clips'>;
  identity: Identity;
  /** Resolves file paths (TLS, password) written in the site file. */
  resolvePath: (p: string) => string;
  birth: Record<string, unknown>;
  onMessage: (topic: string, payload: Buffer) => void;
}

const LANES = [Lane.urgent, Lane.event, Lane.telemetry] as const;
const ACK_FLUSH_MS = 20;
const ACK_RETRY_MS = 1000;

/**
 * Forwards the outbox to the district broker at QoS1. Records go out per lane
 * in sequence order with at most `window` unacknowledged; a record is marked
 * delivered only when its PUBACK arrives. Across a broker outage mqtt.js
 * replays what was in flight; across a restart the outbox does.
 */
export class MqttUplink {
  readonly base: string;
  private client: MqttClient | null = null;
  private readonly cursor = [0, 0, 0];
  /**
   * Records committed since the lane caught up with the outbox, so the live
   * path skips reading them back; null while the outbox is the only source
   * (at start, after a lost publish, or when the queue outgrows the window).
   */
  private readonly fresh: (StoredEvent[] | null)[] = [null, null, null];
  private inflight = 0;
  private acks: number[] = [];
  private ackTimer: NodeJS.Timeout | null = null;
  private pumpQueued = false;
  private stopping = false;
  /** Set once stop() is done: the store may be closed, so late callbacks are ignored. */
  private closed = false;
  private readonly unsubscribe: () => void;
  readonly status: UplinkStatus;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly log: Logger,
    private readonly opts: UplinkOptions,
  ) {
    this.base = topicBase(opts.identity);
    this.status = {
      url: opts.config.url,
      connected: false,
      since: null,
      lastError: null,
      reconnects: 0,
      published: 0,
      acked: 0,
      inflight: 0,
      window: opts.config.window,
    };
    this.unsubscribe = pipeline.onCommitted((events) => {
      for (const e of events) {
        const q = this.fresh[e.lane];
        if (!q) continue;
        if (q.length >= this.opts.config.window * 4) this.fresh[e.lane] = null;
        else q.push(e);
      }
      this.schedulePump();
    });
  }

  start(): void {
    const c = this.opts.config;
    const options: IClientOptions = {
      // Gateway ids repeat across schools; a client id must not, or the broker drops one for the other.
      clientId:
        c.client_id ??
        `campus-edge-${this.opts.identity.district}-${this.opts.identity.school}-${this.opts.identity.gateway}`,
      protocolVersion: c.protocol_version,
      keepalive: c.keepalive_s,
      reconnectPeriod: c.reconnect_s * 1000,
      connectTimeout: 10_000,
      clean: true,
      // mqtt-packet's cache of all 65 536 two-byte numbers as Buffers holds 7 MB for a saving
      // no gateway's message rate notices.
      writeCache: false,
      will: {
        topic: `${this.base}/state`,
        payload: Buffer.from(JSON.stringify({ online: false, gateway: this.opts.identity.gateway })),
        qos: 1,
        retain: true,
      },
    };
    if (c.username) options.username = c.username;
    if (c.password_file) options.password = readFileSync(this.opts.resolvePath(c.password_file), 'utf8').trim();
    if (c.tls) {
      options.ca = readFileSync(this.opts.resolvePath(c.tls.ca));
      if (c.tls.cert && c.tls.key) {
        options.cert = readFileSync(this.opts.resolvePath(c.tls.cert));
        options.key = readFileSync(this.opts.resolvePath(c.tls.key));
      }
      options.rejectUnauthorized = c.tls.reject_unauthorized;
      if (c.tls.servername) options.servername = c.tls.servername;
    }
    const client = mqtt.connect(c.url, options);
    this.client = client;
    client.on('connect', () => {
      this.status.connected = true;
      this.status.since = Date.now();
      this.status.lastError = null;
      this.log.info({ url: c.url }, 'uplink connected');
      client.publish(
        `${this.base}/state`,
        JSON.stringify({
          online: true,
          gateway: this.opts.identity.gateway,
          ts: new Date().toISOString(),
          ...this.opts.birth,
        }),
        { qos: 1, retain: true },
      );
      client.subscribe(`${this.base}/cmd/+`, { qos: 1 });
      this.schedulePump();
    });
    client.on('reconnect', () => {
      this.status.reconnects++;
    });
    client.on('close', () => {
      if (this.status.connected) this.log.warn('uplink disconnected');
      this.status.connected = false;
    });
    client.on('error', (err) => {
      this.status.lastError = err.message;
      this.log.warn({ err: err.message }, 'uplink error');
    });
    client.on('message', (topic, payload) => this.opts.onMessage(topic, payload));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    this.flushAcks();
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(
          `${this.base}/state`,
          JSON.stringify({ online: false, gateway: this.opts.identity.gateway, ts: new Date().toISOString() }),
          { qos: 1, retain: true },
        )
        .catch(() => {});
    }
    await client.endAsync().catch(() => {});
    this.flushAcks();
    this.closed = true;
  }

  /** Whether the link is up with no record waiting or in flight: media goes only then, never ahead of an alarm. */
  get idle(): boolean {
    return (
      !!this.client?.connected &&
      !this.stopping &&
      this.inflight === 0 &&
      this.fresh.every((q) => q !== null && q.length === 0)
    );
  }

  /** Publishes beside the outbox at QoS1; resolves on the broker's PUBACK. */
  async publishDirect(subtopic: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected || this.stopping) throw new Error('uplink not connected');
    await client.publishAsync(`${this.base}/${subtopic}`, payload, { qos: 1 });
  }

  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    const client = this.client;
    while (client?.connected && !this.stopping) {
      const room = this.opts.config.window - this.inflight;
      if (room <= 0) return;
      let batch: StoredEvent[] = [];
      for (const lane of LANES) {
        batch = this.next(lane, room);
        if (batch.length) break;
      }
      if (!batch.length) return;
      for (const e of batch) this.send(client, e);
    }
  }

  private next(lane: Lane, room: number): StoredEvent[] {
    const q = this.fresh[lane];
    if (q) return q.splice(0, room);
    const rows = this.pipeline.log.pending(lane, this.cursor[lane]!, room);
    // The outbox has nothing more for this lane: from now on take records as they commit.
    if (rows.length < room) this.fresh[lane] = [];
    return rows;
  }

  private send(client: MqttClient, e: StoredEvent): void {
    this.cursor[e.lane] = e.seq;
    this.inflight++;
    this.status.published++;
    this.status.inflight = this.inflight;
    client.publish(
      `${this.base}/${e.topic}`,
      JSON.stringify(toEnvelope(e, this.opts.identity.gateway)),
      { qos: 1 },
      (err) => {
        if (this.closed) return;
        this.inflight--;
        this.status.inflight = this.inflight;
        if (err) {
          // Not acknowledged and no longer in mqtt.js's store: send it again from the outbox.
          this.cursor[e.lane] = Math.min(this.cursor[e.lane]!, e.seq - 1);
          this.fresh[e.lane] = null;
        } else {
          this.status.acked++;
          this.acks.push(e.seq);
          this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_FLUSH_MS);
        }
        // Refill in batches once half the window is free, not one query per PUBACK.
        if (err || this.inflight <= this.opts.config.window / 2) this.schedulePump();
      },
    );
  }

  private flushAcks(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (!this.acks.length) return;
    const seqs = this.acks;
    this.acks = [];
    try {
      this.pipeline.log.markDelivered(seqs);
    } catch (err) {
      // The store is locked or failing: keep the acknowledgements and mark them later. Until then
      // they are only undelivered on paper; at worst a restart sends them again (at-least-once).
      this.acks = [...seqs, ...this.acks];
      this.log.warn({ err: (err as Error).message, pending: this.acks.length }, 'acknowledgements not yet stored');
      this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_RETRY_MS);
    }
  }
}
