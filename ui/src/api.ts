/** Talks to the controller: JSON over fetch with the CSRF header, and the live socket. */

export interface Session { username: string; role: string; csrf: string; expiresAt: number }
export interface StoredEvent { seq: number; id: string; ts: number; topic: string; type: string; source: string; severity: string | null; data: Record<string, any> }
export interface Alarm { id: string; key: string; type: string; source: string; severity: string; message: string; data: Record<string, any>; active: boolean; raisedAt: number; clearedAt: number | null; ackedAt: number | null; ackedBy: string | null }

let csrf = '';
export const setCsrf = (token: string) => { csrf = token; };

export class ApiError extends Error { constructor(readonly status: number, message: string) { super(message); } }

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json.error ?? res.statusText);
  return json as T;
}

/** The live feed; reconnects with backoff and tells the caller to resync after a gap. */
export function live(onEvents: (events: StoredEvent[]) => void, onState: (connected: boolean) => void): () => void {
  let ws: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  const connect = () => {
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
    ws.onopen = () => { attempt = 0; onState(true); };
    ws.onmessage = (m) => { const msg = JSON.parse(m.data); if (msg.kind === 'events') onEvents(msg.events); };
    ws.onclose = () => {
      onState(false);
      if (!closed) setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt++));
    };
  };
  connect();
  return () => { closed = true; ws?.close(); };
}
