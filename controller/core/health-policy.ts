import type { DeviceHealth } from '../../drivers/contract.ts';
import { backoffDelay } from './backoff.ts';
import type { HealthState } from './types.ts';

/** Failures in a row before a device is offline; fewer make it degraded. */
const OFFLINE_AFTER = 3;
/** An offline device is retried at least this often, so it is seen back within seconds. */
const MIN_CAP_MS = 10_000;
/**
 * A device that fails again this soon after it came back was not really back (a camera whose
 * connect works but whose pulls fail): its failures count on from before, so its backoff grows.
 */
const STABLE_MS = 10_000;
/** Kinds whose reconnect is costly (a camera's session and subscription) back off further. */
const CAP_MS: Record<string, number> = { camera: 30_000 };

export type HealthSink = (id: string, kind: string, state: HealthState, detail?: string) => void;

/**
 * The one health policy for every device: a good answer is online; failures
 * are degraded, then offline after OFFLINE_AFTER in a row; an offline device is
 * retried with exponential backoff and full jitter, so devices on one bus do
 * not retry in step. A device that fails again soon after coming back keeps
 * its count, so a flapping one backs off too.
 */
export function deviceHealth(
  id: string,
  kind: string,
  report: HealthSink,
  random: () => number = Math.random,
  now: () => number = Date.now,
): DeviceHealth {
  let failures = 0;
  /** Failures before the last good answer, and when it came, for a device that flaps. */
  let carried = 0;
  let okSince: number | null = null;
  const fail = () => {
    const flapping = okSince !== null && now() - okSince < STABLE_MS;
    failures = (flapping && failures === 0 ? carried : failures) + 1;
    okSince = null;
  };
  const cap = (everyMs: number) => Math.max(4 * everyMs, CAP_MS[kind] ?? MIN_CAP_MS);
  const wait = (everyMs: number) =>
    failures < OFFLINE_AFTER ? everyMs : backoffDelay(failures - OFFLINE_AFTER, everyMs, cap(everyMs), random);
  const answered = () => {
    if (failures > 0) {
      carried = failures;
      okSince = now();
    }
    failures = 0;
  };
  return {
    ok() {
      answered();
      report(id, kind, 'online');
    },
    failed(reason, everyMs) {
      fail();
      report(id, kind, failures >= OFFLINE_AFTER ? 'offline' : 'degraded', reason);
      return wait(everyMs);
    },
    degraded(reason) {
      answered();
      report(id, kind, 'degraded', reason);
    },
    offline(reason, everyMs) {
      fail();
      failures = Math.max(failures, OFFLINE_AFTER);
      report(id, kind, 'offline', reason);
      return wait(everyMs);
    },
  };
}
