/** Talks to the controller: JSON over fetch with the CSRF header, and the live socket. */
import { lang } from './i18n.ts';
import { serverText } from './server-text.ts';
import type { RecordTypeName } from './record-types.ts';

/** The data of a record; its shape depends on the record type, and pages read the fields they show. */
// biome-ignore lint/suspicious/noExplicitAny: each page reads the fields of the record types it shows
type RecordData = Record<string, any>;
export interface Session {
  username: string;
  role: string;
  csrf: string;
  expiresAt: number;
  /** The school's time zone: every time is shown in it, whatever the browser's. */
  timeZone: string;
  setup: ('password' | 'totp')[];
}
export interface StoredEvent {
  seq: number;
  id: string;
  ts: number;
  topic: string;
  type: RecordTypeName;
  source: string;
  severity: string | null;
  data: RecordData;
}
export interface Alarm {
  id: string;
  key: string;
  type: string;
  source: string;
  severity: string;
  message: string;
  data: RecordData;
  active: boolean;
  raisedAt: number;
  clearedAt: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
}

let csrf = '';
export const setCsrf = (token: string) => {
  csrf = token;
};

/** A refusal: its text in the console's language, and the server's key for it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class ApiProblems extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly problems: { line: number; field: string; message: string }[],
  ) {
    super(status, message);
  }
}

/** JSON in and out; `text` sends a raw body of that content type instead (CSV import). */
export async function api<T>(method: string, path: string, body?: unknown, text?: string): Promise<T> {
  // The server's own messages come back in the console's language.
  const headers: Record<string, string> = { 'accept-language': lang.value };
  if (body !== undefined) headers['content-type'] = text ?? 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  // A file goes as its bytes: the server detects its encoding (Excel on Chinese Windows writes GBK).
  const payload =
    body === undefined ? undefined : body instanceof ArrayBuffer ? body : text ? String(body) : JSON.stringify(body);
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = serverText(json) ?? json.error ?? res.statusText;
    throw json.problems
      ? new ApiProblems(res.status, message, json.problems)
      : new ApiError(res.status, message, json.code);
  }
  return json as T;
}

/** The live feed; reconnects with backoff and tells the caller to resync after a gap. */
export function live(onEvents: (events: StoredEvent[]) => void, onState: (connected: boolean) => void): () => void {
  let ws: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  const connect = () => {
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
    ws.onopen = () => {
      attempt = 0;
      onState(true);
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.kind === 'events') onEvents(msg.events);
    };
    ws.onclose = () => {
      onState(false);
      if (!closed) setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt++));
    };
  };
  connect();
  return () => {
    closed = true;
    ws?.close();
  };
}
