import type { GateConfig } from '../../controller/config/types.ts';
import type { Capabilities, DeviceHealth, Direction, Driver, DriverContext } from '../contract.ts';
import type { ModbusLink } from '../modbus/modbus-link.ts';

const KIND = 'gate';
const OFF_RETRIES = 5;

interface GateState {
  config: GateConfig;
  health?: DeviceHealth;
  pulseOff: Partial<Record<Direction, NodeJS.Timeout>>;
  held: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Turnstiles and doors behind a Modbus relay board: the controller times each
 * open pulse itself (FC05 on, then off), and polls the passage, forced and
 * fire inputs (FC02) on the shared bus.
 */
export class GateDriver implements Driver {
  readonly kind = KIND;
  private ctx!: DriverContext;
  private running = false;
  private readonly gates: Map<string, GateState>;

  constructor(
    private readonly link: ModbusLink,
    gates: GateConfig[],
  ) {
    link.acquire();
    this.gates = new Map(gates.map((g) => [g.id, { config: g, pulseOff: {}, held: false }]));
  }

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    return new Map(
      [...this.gates.keys()].map((id) => [
        id,
        { gate: { pulse: (direction) => this.pulse(id, direction), hold: (open) => this.hold(id, open) } },
      ]),
    );
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    this.running = true;
    for (const g of this.gates.values()) {
      g.health = ctx.device(g.config.id, KIND);
      if (g.config.mode === 'free') await this.hold(g.config.id, true).catch(() => {});
      this.schedule(g, 0);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const g of this.gates.values()) {
      clearTimeout(g.timer);
      for (const t of Object.values(g.pulseOff)) clearTimeout(t);
    }
    await this.link.release();
  }

  stats() {
    return { bus: this.link.bus.id, gates: this.gates.size, ...this.link.stats };
  }

  private pulse(gateId: string, direction: Direction): void {
    const g = this.gates.get(gateId);
    if (!g || g.held) return;
    const coil = g.config.open_coils[direction];
    clearTimeout(g.pulseOff[direction]);
    this.link
      .writeCoil(g.config.address, coil, true)
      .catch((err: Error) => this.ctx.log.error({ gate: gateId, err: err.message }, 'gate open failed'));
    g.pulseOff[direction] = setTimeout(() => {
      delete g.pulseOff[direction];
      void this.release(g, coil);
    }, g.config.pulse_ms);
  }

  private async hold(gateId: string, open: boolean): Promise<void> {
    const g = this.gates.get(gateId);
    if (!g) return;
    g.held = open;
    for (const d of ['in', 'out'] as const) {
      clearTimeout(g.pulseOff[d]);
      delete g.pulseOff[d];
    }
    await Promise.all(
      (['in', 'out'] as const).map((d) => this.link.writeCoil(g.config.address, g.config.open_coils[d], open)),
    );
  }

  /** A relay left on is a gate left open: retry the off until it takes. */
  private async release(g: GateState, coil: number): Promise<void> {
    for (let i = 0; i < OFF_RETRIES && !g.held; i++) {
      try {
        await this.link.writeCoil(g.config.address, coil, false);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    if (!g.held) this.ctx.log.error({ gate: g.config.id, coil }, 'gate relay could not be switched off');
  }

  private schedule(g: GateState, delay: number): void {
    if (this.running) g.timer = setTimeout(() => void this.poll(g), delay);
  }

  private async poll(g: GateState): Promise<void> {
    const c = g.config;
    const addrs = [
      c.inputs.passage_in,
      c.inputs.passage_out,
      c.inputs.forced,
      c.inputs.fire,
      c.inputs.door_open ?? c.inputs.fire,
    ];
    const start = Math.min(...addrs);
    try {
      const bits = await this.link.readDiscreteInputs(c.address, start, Math.max(...addrs) - start + 1);
      if (!this.running) return;
      const at = (a: number) => bits[a - start] === true;
      g.health!.ok();
      this.ctx.send('gateInputs', {
        gate: c.id,
        inputs: {
          passageIn: at(c.inputs.passage_in),
          passageOut: at(c.inputs.passage_out),
          forced: at(c.inputs.forced),
          fire: c.fire_active_low ? !at(c.inputs.fire) : at(c.inputs.fire),
          doorOpen: c.inputs.door_open !== undefined && at(c.inputs.door_open),
        },
      });
    } catch (err) {
      if (!this.running) return;
      this.schedule(g, g.health!.failed((err as Error).message, c.poll_ms));
      return;
    }
    this.schedule(g, c.poll_ms);
  }
}
