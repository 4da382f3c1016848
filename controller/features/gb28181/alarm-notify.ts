/**
 * Which of the school's alarms a platform is told of, and how (GB/T 28181 A.2.5.4): the alarm
 * input's channel id, a priority (1 highest), a method (2 device alarm, 5 video alarm) and for
 * video alarms a type. Pure.
 */

export interface AlarmFacts {
  type: string;
  source: string;
  severity: string;
  message: string;
  data: Record<string, unknown>;
}
export interface GbAlarm {
  /** The site device the platform knows by a channel id: the button, or the camera. */
  device: string;
  priority: 1 | 2 | 3 | 4;
  method: 2 | 5;
  alarmType?: number;
  description: string;
  /** An emergency button: never disarmed, never held back by a platform's guard state. */
  emergency: boolean;
}

const PRIORITY: Record<string, 1 | 2 | 3 | 4> = { critical: 1, major: 2, warning: 3, info: 4 };
// Video alarm types for method 5 (2016 text): 2 motion, 5 tripwire, 6 intrusion; tamper is a device alarm (2, 防拆).
const VIDEO: Record<string, { method: 2 | 5; alarmType: number }> = {
  'camera.motion': { method: 5, alarmType: 2 },
  'camera.line-crossing': { method: 5, alarmType: 5 },
  'camera.intrusion': { method: 5, alarmType: 6 },
  'camera.person': { method: 5, alarmType: 6 },
  'camera.tamper': { method: 2, alarmType: 2 },
};

export function gbAlarm(a: AlarmFacts): GbAlarm | null {
  const priority = PRIORITY[a.severity] ?? 3;
  const description = String(a.data.name ?? a.message).slice(0, 120);
  if (a.type === 'emergency.button') return { device: a.source, priority: 1, method: 2, description, emergency: true };
  const video = VIDEO[a.type];
  const camera = typeof a.data.camera === 'string' ? a.data.camera : a.source;
  if (video) return { device: camera, priority, ...video, description, emergency: false };
  // A forced or held-open gate is a device alarm on the gate's alarm-input channel (no alarm type of its own).
  if (a.type === 'gate.forced-entry' || a.type === 'gate.held-open')
    return { device: a.source, priority, method: 2, description, emergency: false };
  // An intrusion zone is a device alarm on its alarm-input channel; its tamper is type 2 (防拆).
  if (a.type === 'zone.intrusion') return { device: a.source, priority, method: 2, description, emergency: false };
  if (a.type === 'zone.tamper')
    return { device: a.source, priority, method: 2, alarmType: 2, description, emergency: false };
  return null;
}
