import type { DeviceConfig, DeviceProfile } from '../../controller/config/types.ts';
import type { Capabilities, DeviceHealth, Driver, DriverContext } from '../contract.ts';
import type { ModbusLink } from './modbus-link.ts';
import { readBlocks } from './read-blocks.ts';
import { decodeReadings, planReads, type ReadBlock } from './register-codec.ts';

const KIND = 'env-sensor';

interface Sensor {
  config: DeviceConfig;
  profile: DeviceProfile;
  blocks: ReadBlock[];
  health?: DeviceHealth;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Polls Modbus environmental sensors on one bus. A device that stops
 * answering becomes degraded, then offline, and is then polled with
 * exponential backoff so it does not hold up the healthy devices on its bus.
 * A device that answers with a bad point is degraded and its good points are kept.
 */
export class EnvSensorDriver implements Driver {
  readonly kind = KIND;
  private ctx!: DriverContext;
  private readonly sensors: Sensor[];
  private running = false;
  private polls = { ok: 0, failed: 0 };

  constructor(
    private readonly link: ModbusLink,
    devices: { config: DeviceConfig; profile: DeviceProfile }[],
  ) {
    link.acquire();
    this.sensors = devices.map(({ config, profile }) => ({
      config,
      profile,
      blocks: planReads(profile.points),
      failures: 0,
    }));
  }

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    return new Map(this.sensors.map((s) => [s.config.id, {}]));
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.running = true;
    for (const s of this.sensors) s.health = ctx.device(s.config.id, KIND);
    // Spread the first polls so devices sharing a bus do not queue up in step.
    for (const [i, s] of this.sensors.entries()) this.schedule(s, Math.min(1000, 50 * i));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const s of this.sensors) clearTimeout(s.timer);
    await this.link.release();
  }

  stats() {
    return { bus: this.link.bus.id, ...this.link.stats, polls: { ...this.polls }, queued: this.link.scheduler.queued };
  }

  private schedule(s: Sensor, delayMs: number): void {
    if (!this.running) return;
    s.timer = setTimeout(() => void this.poll(s), delayMs);
  }

  private async poll(s: Sensor): Promise<void> {
    const interval = s.config.poll_interval_s * 1000;
    try {
      const data = await readBlocks(this.link.read.bind(this.link), s.config.address, s.blocks);
      const readings = decodeReadings(s.blocks, data);
      if (!this.running) return;
      s.failures = 0;
      this.polls.ok++;
      // The device answered: a bad point degrades it with the reason, it is never "lost".
      const bad = readings.flatMap((r) => (r.quality === 'bad' ? [`${r.point}: ${r.reason}`] : []));
      if (bad.length) s.health!.degraded(bad.join('; '));
      else s.health!.ok();
      this.ctx.emit({
        topic: 'telemetry',
        type: 'env.reading',
        source: s.config.id,
        data: { room: s.config.room ?? '', model: s.profile.model, readings },
      });
      this.schedule(s, interval);
    } catch (err) {
      if (!this.running) return;
      s.failures++;
      this.polls.failed++;
      if (s.failures === 1) this.ctx.log.debug({ device: s.config.id, err: (err as Error).message }, 'poll failed');
      this.schedule(s, s.health!.failed((err as Error).message, interval));
    }
  }
}
