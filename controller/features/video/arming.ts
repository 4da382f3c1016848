import { inInterval, type LocalTime } from '../access/decide.ts';
import type { CameraConfig } from '../../config/types.ts';
import type { CameraEvent, CameraEventKind } from '../../../drivers/contract.ts';

/**
 * When a camera event is an alarm. `armed`/`disarmed` take the same weekly
 * intervals as access schedules: field intrusion armed only after hours is
 * `{ disarmed: [{ days: [1,2,3,4,5], from: '07:00', to: '18:00' }] }`.
 */
export type ArmingConfig = CameraConfig['arming'];
export type ArmingRule = NonNullable<ArmingConfig['motion']>;

/** Motion alone is too common in a school to alarm unless a site asks for it. */
const DEFAULTS: Record<Exclude<CameraEventKind, 'tamper'>, ArmingRule> = {
  motion: 'never',
  'line-crossing': 'always',
  intrusion: 'always',
  'digital-input': 'always',
  // People and cars are a school's day: recorded always, alarmed only where a site arms them (after hours).
  person: 'never',
  vehicle: 'never',
};

export function isArmed(kind: CameraEventKind, config: ArmingConfig, at: LocalTime): boolean {
  // GB 50394: tamper alarms fire whether or not the zone is armed.
  if (kind === 'tamper') return true;
  const rule = config[kind] ?? DEFAULTS[kind];
  if (rule === 'always') return true;
  if (rule === 'never') return false;
  return 'armed' in rule ? rule.armed.some((i) => inInterval(at, i)) : !rule.disarmed.some((i) => inInterval(at, i));
}

export type AlarmAction =
  | { action: 'record'; event: CameraEvent }
  | { action: 'raise'; event: CameraEvent; key: string }
  | { action: 'clear'; key: string };

/**
 * Edge detection per camera and source: a state that turns on is recorded,
 * and raised when armed; turning off clears it. An Initialized message only
 * sets the state: it is a snapshot of how things are, not something that happened.
 */
export class CameraAlarmState {
  private readonly state = new Map<string, boolean>();

  constructor(private readonly cameraId: string) {}

  onEvent(e: CameraEvent, armed: boolean): AlarmAction[] {
    const key = `camera.${e.kind}:${this.cameraId}:${e.sourceKey}`;
    if (e.snapshot) {
      this.state.set(key, e.active);
      return [];
    }
    if (e.momentary)
      return armed
        ? [
            { action: 'record', event: e },
            { action: 'raise', event: e, key },
            { action: 'clear', key },
          ]
        : [{ action: 'record', event: e }];
    const was = this.state.get(key) ?? false;
    this.state.set(key, e.active);
    if (was === e.active) return [];
    if (e.active)
      return armed
        ? [
            { action: 'record', event: e },
            { action: 'raise', event: e, key },
          ]
        : [{ action: 'record', event: e }];
    return [
      { action: 'record', event: e },
      { action: 'clear', key },
    ];
  }

  /** After a camera reboot its Initialized messages restate everything. */
  reset(): void {
    this.state.clear();
  }
}
