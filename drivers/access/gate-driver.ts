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
  /** Coils being switched off by release(), which the read-back leaves alone. */
  releasing: Set<number>;
  /** Whether the last read-back found a relay other than commanded. */
  mismatch: boolean;
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
    this.gates = new Map(
      gates.map((g) => [g.id, { config: g, pulseOff: {}, held: false, releasing: new Set<number>(), mismatch: false }]),
    );
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

  private pulse(gateId: string, direction: Direction): Promise<void> {
    const g = this.gates.get(gateId);
    if (!g || g.held) return Promise.resolve();
    const coil = g.config.open_coils[direction];
    clearTimeout(g.pulseOff[direction]);
    // The off is timed whatever the on did: a write that was taken late must not leave the relay on.
    g.pulseOff[direction] = setTimeout(() => {
      delete g.pulseOff[direction];
      void this.release(g, coil);
    }, g.config.pulse_ms);
    return this.link.writeCoil(g.config.address, coil, true).catch((err: Error) => {
      this.ctx.log.error({ gate: gateId, err: err.message }, 'gate open failed');
      throw err;
    });
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
    g.releasing.add(coil);
    try {
      for (let i = 0; i < OFF_RETRIES && !g.held; i++) {
        try {
          await this.link.writeCoil(g.config.address, coil, false);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100 * (i + 1)));
        }
      }
      // The read-back on the next poll that gets an answer switches it off and raises the alarm.
      if (!g.held) this.ctx.log.error({ gate: g.config.id, coil }, 'gate relay could not be switched off');
    } finally {
      g.releasing.delete(coil);
    }
  }

  /**
   * Reads the open relays back and puts right what is not as commanded, towards safety only: a
   * relay left on is switched off, a free-passage hold that dropped is set again; an open pulse
   * that did not take is not repeated (its caller was told). Alarms until they match.
   */
  private async checkRelays(g: GateState): Promise<void> {
    const c = g.config;
    const coils = (['in', 'out'] as const).map((d) => ({ d, coil: c.open_coils[d] }));
    const from = Math.min(...coils.map((x) => x.coil));
    const commanded = () => coils.map((x) => g.held || g.pulseOff[x.d] !== undefined);
    const before = commanded();
    const bits = await this.link.readCoils(c.address, from, Math.max(...coils.map((x) => x.coil)) - from + 1);
    const after = commanded();
    const wrong: string[] = [];
    for (const [i, { d, coil }] of coils.entries()) {
      // A pulse that began or ended during the read, or an off on its way, is not a fault.
      if (before[i] !== after[i] || g.releasing.has(coil)) continue;
      const on = bits[coil - from] === true;
      const want = after[i]!;
      if (on === want || (want && !g.held)) continue;
      wrong.push(`coil ${coil} (${d}) is ${on ? 'on' : 'off'}, commanded ${want ? 'on' : 'off'}`);
      await this.link.writeCoil(c.address, coil, want);
    }
    if (wrong.length > 0 !== g.mismatch)
      this.ctx.send('gateRelay', { gate: c.id, mismatch: wrong.length > 0, detail: wrong.join('; ') || undefined });
    g.mismatch = wrong.length > 0;
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
      await this.checkRelays(g);
      if (!this.running) return;
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
