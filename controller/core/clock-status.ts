import { execFile } from 'node:child_process';
import type { AlarmManager } from './alarms.ts';

export type NtpState = 'synchronized' | 'unsynchronized' | 'unknown';

/** What `timedatectl show -p NTPSynchronized --value` printed; unknown without systemd. */
export function parseNtp(stdout: string | null): NtpState {
  const v = stdout?.trim();
  return v === 'yes' ? 'synchronized' : v === 'no' ? 'unsynchronized' : 'unknown';
}

const CHECK_EVERY_MS = 10 * 60_000;

/**
 * Bells, schedules and records all run on the gateway's clock, so an
 * unsynchronized clock is a warning alarm (GB 50396: under 5 s drift a day).
 */
export class ClockStatus {
  state: NtpState = 'unknown';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly alarms: AlarmManager,
    private readonly read: () => Promise<string | null> = () =>
      new Promise((r) =>
        execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, out) =>
          r(err ? null : out),
        ),
      ),
  ) {}

  async check(): Promise<NtpState> {
    this.state = parseNtp(await this.read());
    if (this.state === 'unsynchronized') {
      this.alarms.raise({
        key: 'clock.unsynchronized',
        type: 'clock.unsynchronized',
        source: 'gateway',
        severity: 'warning',
        message: 'The gateway clock is not synchronized by NTP: bells and records may drift',
        data: {},
      });
    } else if (this.state === 'synchronized') {
      this.alarms.clear('clock.unsynchronized');
    }
    return this.state;
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
