import type { CommandBus } from '../../core/commands.ts';
import type { Actor } from '../../core/types.ts';
import { decodePtzCmd, PtzCommandError } from './ptz-command.ts';

/** What the gateway keeps per platform: its guard state, and the alarm channels waiting for its reset. */
export interface PlatformAlarmState {
  guarded: boolean;
  /** Channels whose alarm was reported and not yet reset; their next alarms wait (annex A.2.3.1.6). */
  awaitingReset: Set<string>;
  /** Alarms not sent because their channel waited for a reset. */
  held: number;
}

export interface ControlOutcome {
  ok: boolean;
  detail: string;
}

/**
 * A platform's DeviceControl: PTZ moves and presets through the same audited command as the
 * console's, guard and unguard, alarm reset. A reset only lets the next alarm of that channel be
 * reported; an emergency button stays latched until a person at the school resets it. A remote
 * reboot of a school's gateway is refused.
 */
export async function deviceControl(
  fields: Record<string, unknown>,
  target: { channel: string; device: string | null; isGateway: boolean },
  state: PlatformAlarmState,
  bus: CommandBus,
  actor: Actor,
): Promise<ControlOutcome> {
  if (typeof fields.PTZCmd === 'string') {
    if (!target.device) return { ok: false, detail: `no camera for channel ${target.channel}` };
    let move: ReturnType<typeof decodePtzCmd>;
    try {
      move = decodePtzCmd(fields.PTZCmd);
    } catch (err) {
      if (err instanceof PtzCommandError) return { ok: false, detail: err.message };
      throw err;
    }
    const args =
      move.kind === 'move'
        ? { action: 'move', x: move.pan, y: move.tilt, zoom: move.zoom }
        : move.kind === 'stop'
          ? { action: 'stop' }
          : move.kind === 'preset' && move.action === 'goto'
            ? { action: 'preset', preset: String(move.preset) }
            : null;
    if (!args)
      return {
        ok: false,
        detail:
          move.kind === 'preset'
            ? `preset ${move.action} is not offered`
            : `instruction ${move.kind === 'unsupported' ? move.instruction : ''} is not offered`,
      };
    const r = await bus.execute({ name: 'camera.ptz', args: { cameraId: target.device, ...args } }, actor);
    return { ok: r.ok, detail: r.ok ? `ptz ${args.action}` : (r.error ?? 'refused') };
  }
  if (fields.GuardCmd === 'SetGuard' || fields.GuardCmd === 'ResetGuard') {
    state.guarded = fields.GuardCmd === 'SetGuard';
    bus.record(actor, 'gb28181.guard', { guarded: state.guarded }, true);
    return {
      ok: true,
      detail: state.guarded ? 'guarded' : 'unguarded: video alarms are not reported; emergency buttons still are',
    };
  }
  if (fields.AlarmCmd === 'ResetAlarm') {
    if (target.isGateway) state.awaitingReset.clear();
    else state.awaitingReset.delete(target.channel);
    bus.record(actor, 'gb28181.alarm-reset', { channel: target.channel }, true);
    return {
      ok: true,
      detail: 'the next alarm may be reported; a latched emergency button stays latched until reset at the school',
    };
  }
  if (fields.TeleBoot !== undefined) {
    bus.record(actor, 'gb28181.teleboot', { channel: target.channel }, false, 'refused');
    return { ok: false, detail: "a platform does not restart a school's gateway" };
  }
  return { ok: false, detail: `not offered: ${Object.keys(fields).join(', ') || 'empty'}` };
}
