import { api, type Alarm, live, type Session, type StoredEvent } from './api.ts';
import { signal } from './signal.ts';

export interface Device {
  id: string;
  name: string;
  room: string | null;
  bus: string;
  model: string | null;
  health: string;
  detail: string | null;
  lastOkAt: number | null;
}

export const session = signal<Session | null>(null);
export const alarms = signal<Alarm[]>([]);
export const devices = signal<Device[]>([]);
export const liveConnected = signal(false);
/** Whether the controller answers at all (its health endpoint); set by the health banner. */
export const reachable = signal(true);

export interface ActiveScenario {
  id: string;
  kind: 'lockdown' | 'evacuation';
  drill: boolean;
  by: string;
  startedAt: number;
}
/** The lockdown or evacuation in force, shown on every page until the all-clear. */
export const scenario = signal<ActiveScenario | null>(null);

export async function refreshScenario(): Promise<void> {
  scenario.value = (await api<{ active: ActiveScenario | null }>('GET', '/api/scenario')).active;
}
/** The newest committed records, for the pages that show live data. */
export const recent = signal<StoredEvent[]>([]);

export async function refresh(): Promise<void> {
  const [a, d] = await Promise.all([api<Alarm[]>('GET', '/api/alarms'), api<Device[]>('GET', '/api/devices')]);
  alarms.value = a;
  devices.value = d;
}

let stopLive: (() => void) | null = null;
// biome-ignore lint/correctness/noUnusedVariables: read by the ??= below, which the rule does not see
let pending: ReturnType<typeof setTimeout> | null = null;

/** Applies live records; alarm and health changes trigger a (debounced) refetch of the lists. */
export function startLive(): void {
  stopLive?.();
  stopLive = live(
    (events) => {
      recent.value = [...events.slice().reverse(), ...recent.value].slice(0, 500);
      if (events.some((e) => e.type === 'scenario.started')) void refreshScenario();
      if (events.some((e) => e.topic === 'alarms' || e.type === 'device.health')) {
        pending ??= setTimeout(() => {
          pending = null;
          void refresh();
        }, 150);
      }
    },
    (up) => {
      liveConnected.value = up;
      if (up) void refresh().then(refreshScenario); // resync after a reconnect
    },
  );
}

export function stopLiveFeed(): void {
  stopLive?.();
  stopLive = null;
}
