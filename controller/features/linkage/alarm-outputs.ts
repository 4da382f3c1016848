import type { SiteConfig } from '../../config/types.ts';
import { type CommandBus, CommandError } from '../../core/commands.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { ModbusLinks } from '../../../drivers/modbus/modbus-links.ts';

type Output = SiteConfig['outputs'][number];

/**
 * Alarm outputs (sirens, strobes, relays) on Modbus relay modules, switched by the command
 * `output.set` from a guard, the district or a linkage rule: on for a while, then off by itself.
 * A relay the module did not switch is an error to whoever asked, never an ok.
 */
export class AlarmOutputs {
  private readonly offTimers = new Map<string, NodeJS.Timeout>();
  readonly on = new Set<string>();

  constructor(
    private readonly outputs: readonly Output[],
    private readonly modbus: ModbusLinks,
    private readonly pipeline: Pipeline,
  ) {}

  register(bus: CommandBus): void {
    bus.register('output.set', {
      permission: 'gate.operate',
      args: {
        required: ['id', 'on'],
        properties: {
          id: { type: 'string', maxLength: 64 },
          on: { type: 'boolean' },
          seconds: { type: 'number', minimum: 1, maximum: 3600 },
        },
      },
      run: async (args, actor) => this.set(args.id, args.on, args.seconds, `${actor.kind}:${actor.name}`),
    });
  }

  async set(id: string, on: boolean, seconds: number | undefined, by: string) {
    const out = this.outputs.find((o) => o.id === id);
    if (!out) throw new CommandError('output.unknown', { id });
    const link = this.modbus.get(out.bus);
    try {
      if (!link) throw new Error(`no bus ${out.bus}`);
      await link.writeCoil(out.address, out.coil, on);
    } catch (err) {
      throw new CommandError('output.failed', { name: out.name, detail: (err as Error).message });
    }
    clearTimeout(this.offTimers.get(id));
    this.offTimers.delete(id);
    if (on) this.on.add(id);
    else this.on.delete(id);
    if (on && seconds)
      this.offTimers.set(
        id,
        setTimeout(() => void this.set(id, false, undefined, 'system:timer').catch(() => {}), seconds * 1000),
      );
    this.pipeline.emit({
      topic: 'events/linkage',
      type: 'output.state',
      source: id,
      data: { name: out.name, kind: out.kind, on, seconds: seconds ?? null, by },
    });
    return { id, on, until: on && seconds ? new Date(Date.now() + seconds * 1000).toISOString() : null };
  }

  /** Everything switched on is switched off when the controller stops: a siren must not outlive it. */
  async stop(): Promise<void> {
    for (const t of this.offTimers.values()) clearTimeout(t);
    await Promise.all([...this.on].map((id) => this.set(id, false, undefined, 'system:stop').catch(() => {})));
  }
}
