import type { SiteConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import { type CommandBus, CommandError } from '../../core/commands.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { localTime } from '../access/decide.ts';
import { within } from '../linkage/rule-match.ts';
import { ZoneLogic, type ZoneOutcome } from './zone-logic.ts';

type Zone = SiteConfig['zones'][number];
type ModuleInput = NonNullable<Zone['tamper']>;

const TICK_MS = 250;

/** Whether a module input reads as open (alarm): a normally closed loop is open when the input is off. */
const isOpen = (i: ModuleInput, bit: boolean) => ((i.normally ?? 'closed') === 'closed' ? !bit : bit);

/**
 * The site's intrusion zones: detectors on Modbus input modules and cameras' inputs, armed and
 * disarmed by schedule or by a guard, bypassed with a reason, with entry and exit delays. An
 * intrusion is a critical alarm (about the zone, with its place); a tamper is one whatever the
 * zone's state. Every change is a `zone.state` record; every arm, disarm and bypass a command.
 */
export class ZoneService {
  private readonly logic = new Map<string, ZoneLogic>();
  private readonly reasons = new Map<string, string>();
  private readonly scheduled = new Map<string, boolean>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly d: {
      zones: readonly Zone[];
      timeZone: string;
      pipeline: Pipeline;
      alarms: AlarmManager;
      now?: () => number;
    },
  ) {
    for (const z of d.zones) this.logic.set(z.id, new ZoneLogic(z.entry_delay_s * 1000, z.exit_delay_s * 1000));
  }

  private get now() {
    return (this.d.now ?? Date.now)();
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private zone(id: string): Zone {
    const z = this.d.zones.find((x) => x.id === id);
    if (!z) throw new CommandError('zone.unknown', { id });
    return z;
  }

  private apply(z: Zone, outcomes: ZoneOutcome[], by: string): void {
    const l = this.logic.get(z.id)!;
    for (const o of outcomes) {
      if (o.kind === 'state') {
        this.d.pipeline.emit({
          topic: 'events/intrusion',
          type: 'zone.state',
          source: z.id,
          data: { name: z.name, state: o.state, bypassed: l.bypassed, open: l.open, why: o.why, by },
        });
        if (o.state === 'disarmed') this.d.alarms.clear(`zone.intrusion:${z.id}`, { disarmedBy: by });
      } else if (o.kind === 'intrusion')
        this.d.alarms.raise({
          key: `zone.intrusion:${z.id}`,
          type: 'zone.intrusion',
          source: z.id,
          severity: 'critical',
          message: `${z.name}: 入侵报警 intrusion`,
          data: { name: z.name, room: z.place ?? null },
        });
      else
        this.d.alarms.follow(o.active, `zone.tamper:${z.id}`, () => ({
          type: 'zone.tamper',
          source: z.id,
          severity: 'critical',
          message: `${z.name}: 防拆报警 tamper`,
          data: { name: z.name, room: z.place ?? null },
        }));
    }
  }

  /** A module's inputs, as read: each zone on it sees its detector and its tamper. */
  onModule(module: string, inputs: boolean[]): void {
    for (const z of this.d.zones) {
      const l = this.logic.get(z.id)!;
      if ('module' in z.input && z.input.module === module && inputs[z.input.input] !== undefined)
        this.apply(z, l.input(isOpen(z.input, inputs[z.input.input]!), this.now), 'detector');
      if (z.tamper?.module === module && inputs[z.tamper.input] !== undefined)
        this.apply(z, l.tamperInput(isOpen(z.tamper, inputs[z.tamper.input]!)), 'tamper');
    }
  }

  /** The zone on this camera input, if any: what the video feature hands its input to. */
  cameraInput(camera: string, input: string): ((active: boolean) => void) | undefined {
    const z = this.d.zones.find((x) => 'camera' in x.input && x.input.camera === camera && x.input.input === input);
    return z && ((active) => this.apply(z, this.logic.get(z.id)!.input(active, this.now), 'detector'));
  }

  private tick(): void {
    const at = localTime(this.now, this.d.timeZone);
    for (const z of this.d.zones) {
      const l = this.logic.get(z.id)!;
      this.apply(z, l.tick(this.now), 'timer');
      if (!z.armed) continue;
      // The schedule arms and disarms at its edges; between them a guard's choice stands.
      const want = z.armed.some((i) => within(at, i));
      if (this.scheduled.get(z.id) === want) continue;
      this.scheduled.set(z.id, want);
      this.apply(z, want ? l.arm(this.now, 'the schedule') : l.disarm(this.now, 'the schedule'), 'schedule');
    }
  }

  register(bus: CommandBus): void {
    const zones = {
      anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1 }],
    } as const;
    const pick = (ids: 'all' | readonly string[]) =>
      ids === 'all' ? [...this.d.zones] : ids.map((id) => this.zone(id));
    const by = (a: { kind: string; name: string }) => `${a.kind}:${a.name}`;
    bus.register('zone.arm', {
      permission: 'gate.operate',
      args: { required: ['zones'], properties: { zones } },
      run: (args, actor) => {
        const list = pick(args.zones);
        for (const z of list) this.apply(z, this.logic.get(z.id)!.arm(this.now, `armed by ${by(actor)}`), by(actor));
        return { zones: list.map((z) => ({ id: z.id, state: this.logic.get(z.id)!.state })) };
      },
    });
    bus.register('zone.disarm', {
      permission: 'gate.operate',
      args: { required: ['zones'], properties: { zones } },
      run: (args, actor) => {
        const list = pick(args.zones);
        for (const z of list)
          this.apply(z, this.logic.get(z.id)!.disarm(this.now, `disarmed by ${by(actor)}`), by(actor));
        return { zones: list.map((z) => ({ id: z.id, state: 'disarmed' })) };
      },
    });
    bus.register('zone.bypass', {
      permission: 'gate.operate',
      args: {
        required: ['zone', 'on'],
        properties: {
          zone: { type: 'string', maxLength: 64 },
          on: { type: 'boolean' },
          reason: { type: 'string', minLength: 2, maxLength: 200 },
        },
      },
      run: (args, actor) => {
        const z = this.zone(args.zone);
        // A zone taken out of service says why, for the next shift and the assessor.
        if (args.on && !args.reason) throw new CommandError('zone.bypass-reason');
        const l = this.logic.get(z.id)!;
        l.bypass(args.on);
        if (args.on) this.reasons.set(z.id, args.reason!);
        else this.reasons.delete(z.id);
        this.apply(
          z,
          [{ kind: 'state', state: l.state, why: args.on ? `bypassed: ${args.reason}` : 'bypass ended' }],
          by(actor),
        );
        return { zone: z.id, bypassed: args.on };
      },
    });
  }

  list() {
    return this.d.zones.map((z) => {
      const l = this.logic.get(z.id)!;
      return {
        id: z.id,
        name: z.name,
        place: z.place ?? null,
        state: l.state,
        bypassed: l.bypassed,
        bypassReason: this.reasons.get(z.id) ?? null,
        open: l.open,
        tampered: l.tampered,
        input:
          'module' in z.input
            ? { module: z.input.module, input: z.input.input }
            : { camera: z.input.camera, input: z.input.input },
        scheduled: !!z.armed,
      };
    });
  }
}
