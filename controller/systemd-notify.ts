import type { Logger } from './core/logger.ts';
import { loadAddon } from './native-addon.ts';

interface SdNotifyAddon {
  notify(socket: string, state: string): void;
}

/**
 * The service side of systemd's Type=notify protocol (sd_notify(3)): READY once the console
 * answers, STATUS lines, STOPPING, and watchdog pings. Does nothing outside systemd.
 */
export class SystemdNotifier {
  private readonly socket = process.env.NOTIFY_SOCKET;
  private addon?: SdNotifyAddon;
  private watchdog?: NodeJS.Timeout;

  constructor(private readonly log: Logger) {}

  get active(): boolean {
    return Boolean(this.socket);
  }

  ready(status: string): void {
    this.send(`READY=1\nSTATUS=${status}\nMAINPID=${process.pid}`);
  }
  status(status: string): void {
    this.send(`STATUS=${status}`);
  }
  stopping(): void {
    clearInterval(this.watchdog);
    this.send('STOPPING=1\nSTATUS=stopping');
  }

  /**
   * Pings at half the unit's WatchdogSec for as long as `healthy()` holds. A hung event loop
   * or a failed health check stops the pings, and systemd restarts the service.
   */
  startWatchdog(healthy: () => boolean): void {
    const usec = Number(process.env.WATCHDOG_USEC);
    const pid = process.env.WATCHDOG_PID;
    if (!this.socket || !(usec > 0) || (pid && Number(pid) !== process.pid)) return;
    let withheld = false;
    this.watchdog = setInterval(
      () => {
        const ok = healthy();
        if (ok) this.send('WATCHDOG=1');
        else if (!withheld)
          this.log.error('health check failed: watchdog pings withheld, systemd will restart the service');
        withheld = !ok;
      },
      Math.max(100, usec / 2000),
    );
    this.watchdog.unref();
  }

  private send(state: string): void {
    if (!this.socket) return;
    try {
      this.addon ??= loadAddon<SdNotifyAddon>('native/sd-notify/build/Release/sd_notify.node');
      this.addon.notify(this.socket, state);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, state: state.split('\n')[0] }, 'systemd notification failed');
    }
  }
}
