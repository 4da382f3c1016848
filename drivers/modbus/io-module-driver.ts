import type { Capabilities, Driver, DeviceHealth, DriverContext } from '../contract.ts';
import type { ModbusLink } from './modbus-link.ts';

const KIND = 'io-module';

interface Module {
  id: string;
  address: number;
  inputs: number;
  pollMs: number;
  health?: DeviceHealth;
  last?: string;
  timer?: NodeJS.Timeout;
}

/**
 * Modbus digital-input modules (function 02) wired to detectors: each is read every `poll_ms`
 * and its inputs go to the features when they change (and after each reconnect, whole). A module
 * that stops answering goes degraded, then offline, with backoff, like every device.
 */
export class IoModuleDriver implements Driver {
  readonly kind = KIND;
  private ctx!: DriverContext;
  private running = false;
  private readonly modules: Module[];

  constructor(
    private readonly link: ModbusLink,
    modules: { id: string; address: number; inputs: number; poll_ms: number }[],
  ) {
    link.acquire();
    this.modules = modules.map((m) => ({ id: m.id, address: m.address, inputs: m.inputs, pollMs: m.poll_ms }));
  }

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    return new Map(this.modules.map((m) => [m.id, {}]));
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.running = true;
    for (const m of this.modules) {
      m.health = ctx.device(m.id, KIND);
      this.schedule(m, 0);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const m of this.modules) clearTimeout(m.timer);
    await this.link.release();
  }

  private schedule(m: Module, ms: number): void {
    if (this.running) m.timer = setTimeout(() => void this.poll(m), ms);
  }

  private async poll(m: Module): Promise<void> {
    try {
      const inputs = await this.link.readDiscreteInputs(m.address, 0, m.inputs);
      if (!this.running) return;
      m.health!.ok();
      const now = inputs.map(Number).join('');
      if (now !== m.last) this.ctx.send('digitalInputs', { module: m.id, inputs });
      m.last = now;
      this.schedule(m, m.pollMs);
    } catch (err) {
      if (!this.running) return;
      // Unknown until it answers again: the next answer is sent whole.
      m.last = undefined;
      this.schedule(m, m.health!.failed((err as Error).message, m.pollMs));
    }
  }
}
