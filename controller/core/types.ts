/** Types shared by the pipeline, the drivers, the uplink and the API. */
import type { Role } from './roles.ts';

export type Severity = 'info' | 'warning' | 'major' | 'critical';

/**
 * Outbox lanes, drained in this order. Lower lanes are never evicted;
 * telemetry may be downsampled or evicted under disk pressure.
 */
export const Lane = { urgent: 0, event: 1, telemetry: 2 } as const;
export type Lane = (typeof Lane)[keyof typeof Lane];

/**
 * The uplink topic a record goes to: `alarms`, `telemetry`, `cmd-result`
 * or `events/{category}`.
 */
export type Topic = 'alarms' | 'telemetry' | 'cmd-result' | `events/${string}`;

/** What a driver or the core hands to ingest(). */
export interface EventInput {
  topic: Topic;
  type: string;
  source: string;
  severity?: Severity;
  data: Record<string, unknown>;
  /** Defaults from the topic: alarms, access and command results are urgent. */
  lane?: Lane;
  ts?: number;
}

/** A record once it has an id and a sequence number. */
export interface StoredEvent {
  seq: number;
  id: string;
  ts: number;
  lane: Lane;
  topic: Topic;
  type: string;
  source: string;
  severity: Severity | null;
  data: Record<string, unknown>;
}

/** One point of one poll. A bad point keeps its place, with the reason, and its value when it had one. */
export type Reading =
  | { point: string; value: number; unit: string; quality: 'good' }
  | { point: string; value: number | null; unit: string; quality: 'bad'; reason: string };

export type HealthState = 'online' | 'degraded' | 'offline';

/** Who issued a command, for the audit log. */
export interface Actor {
  /** A platform is an upper GB/T 28181 platform (provincial, district video network). */
  kind: 'user' | 'district' | 'platform' | 'scenario' | 'schedule' | 'system';
  name: string;
  /** A console user's role: the bus checks it against the command's permission. */
  role?: Role;
}

export interface Command {
  name: string;
  args: Record<string, unknown>;
}

export interface CommandResult {
  ok: boolean;
  result?: unknown;
  /** The refusal in English; `code` and `params` are the same message for a reader to translate. */
  error?: string;
  code?: string;
  params?: Record<string, string | number>;
}

export function laneFor(topic: Topic): Lane {
  if (topic === 'telemetry') return Lane.telemetry;
  if (topic === 'alarms' || topic === 'cmd-result' || topic === 'events/access') return Lane.urgent;
  return Lane.event;
}
