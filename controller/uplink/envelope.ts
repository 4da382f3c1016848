import type { StoredEvent } from '../core/types.ts';

/** The JSON envelope every uplink payload uses (docs/uplink-contract.md). */
export interface Envelope {
  id: string;
  seq: number;
  ts: string;
  gateway: string;
  source: string;
  type: string;
  severity?: string;
  data: Record<string, unknown>;
}

export interface Identity {
  district: string;
  school: string;
  gateway: string;
}

export const topicBase = (id: Identity) => `campus/${id.district}/${id.school}/${id.gateway}`;

export function toEnvelope(e: StoredEvent, gateway: string): Envelope {
  const env: Envelope = {
    id: e.id,
    seq: e.seq,
    ts: new Date(e.ts).toISOString(),
    gateway,
    source: e.source,
    type: e.type,
    data: e.data,
  };
  if (e.severity) env.severity = e.severity;
  return env;
}
