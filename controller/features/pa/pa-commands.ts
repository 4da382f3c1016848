import { join } from 'node:path';
import type { AudioSource } from '../../../drivers/contract.ts';
import { CommandError, type CommandBus } from '../../core/commands.ts';
import type { BellScheduler } from './bell-scheduler.ts';
import { type Bell, validateSchedules } from './bell-schedule.ts';
import type { LiveInputs } from './live-inputs.ts';
import type { PaService } from './pa-service.ts';

/** Resolves a configured sound name: the built-in chime or a recording in the sounds directory. */
export const soundSource = (sound: string, soundsDir: string | null): AudioSource =>
  sound === 'chime' || !soundsDir ? { kind: 'chime' } : { kind: 'file', path: join(soundsDir, sound) };

/** Announcements (audited, from the console, the district or a scenario), stopping, and switching bell schedules. */
export function registerPaCommands(
  bus: CommandBus,
  pa: PaService,
  bells: BellScheduler,
  soundsDir: string | null,
  zoneIds: string[],
  live: LiveInputs,
): void {
  const zones = {
    oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1 }],
  } as const;
  bus.register('pa.play', {
    permission: 'pa.announce',
    args: {
      required: ['kind', 'zones', 'priority'],
      properties: {
        kind: { enum: ['chime', 'sound', 'tts'] },
        text: { type: 'string', minLength: 1, maxLength: 500 },
        sound: { type: 'string', pattern: '^[\\w.-]+$' },
        zones,
        priority: { enum: ['announcement', 'emergency'] },
        label: { type: 'string', maxLength: 100 },
      },
    },
    run: (args, actor) => {
      const kind = args.kind;
      if (kind === 'tts' && !args.text) throw new CommandError('pa.text-needed');
      if (kind === 'sound' && !args.sound) throw new CommandError('pa.sound-needed');
      const source: AudioSource =
        kind === 'tts'
          ? { kind: 'tts', text: args.text! }
          : kind === 'sound'
            ? soundSource(args.sound!, soundsDir)
            : { kind: 'chime' };
      return pa.request({
        source,
        zones: args.zones,
        priority: args.priority,
        label: args.label ?? (kind === 'tts' ? args.text!.slice(0, 40) : kind),
        by: `${actor.kind}:${actor.name}`,
      });
    },
  });
  // A platform's voice broadcast (GB/T 28181): live speech at announcement priority, so an emergency still cuts it.
  bus.register('pa.live', {
    permission: 'pa.announce',
    from: ['platform'],
    args: {
      required: ['input', 'zones', 'label'],
      properties: { input: { type: 'string', maxLength: 64 }, zones, label: { type: 'string', maxLength: 100 } },
    },
    run: (args, actor) => {
      const input = live.take(args.input);
      if (!input) throw new CommandError('pa.no-live-input');
      return pa.request({
        source: { kind: 'live', ...input },
        zones: args.zones,
        priority: 'announcement',
        label: args.label,
        by: `${actor.kind}:${actor.name}`,
      });
    },
  });
  // What the bell scheduler rings: audited like any command, accepted only from the schedule.
  bus.register('pa.bell', {
    permission: 'config',
    from: ['schedule'],
    args: {
      required: ['label', 'sound', 'zones'],
      properties: { label: { type: 'string' }, sound: { type: 'string' }, zones },
    },
    run: (args, actor) =>
      pa.request({
        source: soundSource(args.sound, soundsDir),
        zones: args.zones,
        priority: 'bell',
        label: args.label,
        by: `schedule:${actor.name}`,
      }),
  });
  bus.register('pa.stop', {
    permission: 'pa.announce',
    args: { properties: {} },
    run: () => {
      pa.stop();
      return { stopped: true };
    },
  });
  bus.register('bells.save', {
    permission: 'config',
    from: ['user', 'system'],
    args: {
      required: ['id', 'name', 'bells'],
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
        name: { type: 'string', minLength: 1, maxLength: 64 },
        bells: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['at', 'days'],
            properties: {
              at: { type: 'string' },
              days: { type: 'array', items: { type: 'integer' } },
              sound: { type: 'string', default: 'chime' },
              zones: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }], default: 'all' },
              label: { type: 'string', maxLength: 64 },
            },
          },
        },
      },
    },
    run: (args) => {
      const schedule = {
        id: args.id,
        name: args.name,
        bells: (args.bells as (Partial<Bell> & Pick<Bell, 'at' | 'days'>)[]).map(
          (b): Bell => ({ ...b, sound: b.sound ?? 'chime', zones: b.zones ?? 'all' }),
        ),
      };
      const problems = validateSchedules([schedule], zoneIds);
      if (problems.length)
        throw new CommandError('pa.schedule-invalid', {
          detail: problems.map((p) => `${p.bell === null ? '' : `bell ${p.bell + 1}: `}${p.message}`).join('; '),
        });
      bells.save(schedule);
      return { saved: schedule.id, bells: schedule.bells.length };
    },
  });
  bus.register('bells.activate', {
    permission: 'config',
    args: { required: ['scheduleId'], properties: { scheduleId: { type: 'string', maxLength: 64 } } },
    run: (args) => {
      bells.setActive(args.scheduleId);
      return { active: args.scheduleId };
    },
  });
}
