import type { CameraConfig } from '../../config/types.ts';
import type { CameraEvent } from '../../../drivers/contract.ts';
import type { MediaRef, MediaStore } from '../../store/media-store.ts';
import { localTime } from '../access/decide.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { CameraAlarmState, isArmed } from './arming.ts';

export interface VideoDeps {
  cameras: CameraConfig[];
  pipeline: Pipeline;
  alarms: AlarmManager;
  snapshots: MediaStore;
  snapshot(cameraId: string): Promise<Buffer>;
  /** An emergency button on a camera input, which bypasses arming. */
  /** `input` as the camera names it (see CameraEvent.input). */
  emergencyButton(cameraId: string, input: string): { press(): void } | undefined;
  /** The intrusion zone whose detector is this camera input, if any: the input goes to it. */
  zoneInput?(cameraId: string, input: string): ((active: boolean) => void) | undefined;
  timeZone: string;
  now?: () => number;
}

const SEVERITY = {
  tamper: 'critical',
  intrusion: 'major',
  'line-crossing': 'major',
  'digital-input': 'critical',
  motion: 'warning',
  person: 'major',
  vehicle: 'warning',
} as const;

/**
 * Camera events to records and alarms: arming per camera and kind, edge
 * detection, and a snapshot attached to every alarm it raises.
 */
export class VideoService {
  private readonly states = new Map<string, CameraAlarmState>();
  private readonly now: () => number;
  /** Actions run in order, so a momentary alarm's clear never overtakes its raise (which waits for the snapshot). */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly d: VideoDeps) {
    this.now = d.now ?? Date.now;
    for (const c of d.cameras) this.states.set(c.id, new CameraAlarmState(c.id));
  }

  onEvent = (cameraId: string, e: CameraEvent): void => {
    const camera = this.d.cameras.find((c) => c.id === cameraId);
    const state = this.states.get(cameraId);
    if (!camera || !state) return;
    const button =
      e.kind === 'digital-input' && !e.snapshot && e.input !== undefined
        ? this.d.emergencyButton(cameraId, e.input)
        : undefined;
    if (button) {
      if (e.active) button.press();
      return;
    }
    // An input that is an intrusion zone's detector is the zone's, not the camera's own alarm.
    const zone =
      e.kind === 'digital-input' && e.input !== undefined ? this.d.zoneInput?.(cameraId, e.input) : undefined;
    if (zone) {
      zone(e.active);
      return;
    }
    const armed = isArmed(e.kind, camera.arming, localTime(this.now(), this.d.timeZone));
    const actions = state.onEvent(e, armed);
    this.chain = this.chain.then(async () => {
      for (const a of actions) {
        if (a.action === 'record') {
          this.d.pipeline.emit({
            topic: 'events/video',
            type: `camera.${e.kind}`,
            source: cameraId,
            data: { active: e.active, armed, sourceKey: e.sourceKey, topic: e.topic, cameraTime: e.utcTime },
          });
        } else if (a.action === 'raise') {
          await this.raiseWithSnapshot(camera, a.key, e);
        } else {
          this.d.alarms.clear(a.key);
        }
      }
    });
  };

  /** A camera (re)connected: it restates its state with Initialized messages; check its clock. */
  onConnected = (cameraId: string, clockDriftMs: number): void => {
    this.states.get(cameraId)?.reset();
    const camera = this.d.cameras.find((c) => c.id === cameraId);
    if (!camera) return;
    const key = `camera.clock-drift:${cameraId}`;
    if (Math.abs(clockDriftMs) > camera.max_clock_drift_s * 1000) {
      this.d.alarms.raise({
        key,
        type: 'camera.clock-drift',
        source: cameraId,
        severity: 'warning',
        message: `${camera.name ?? cameraId}: clock is ${Math.round(clockDriftMs / 1000)} s off the gateway's`,
        data: { driftMs: clockDriftMs },
      });
    } else {
      this.d.alarms.clear(key);
    }
  };

  private async raiseWithSnapshot(camera: CameraConfig, key: string, e: CameraEvent): Promise<void> {
    let snapshot: MediaRef | null = null;
    let snapshotError: string | null = null;
    try {
      snapshot = this.d.snapshots.save(`${camera.id}-${this.now()}`, await this.d.snapshot(camera.id));
    } catch (err) {
      snapshotError = (err as Error).message;
    }
    this.d.alarms.raise({
      key,
      type: `camera.${e.kind}`,
      source: camera.id,
      severity: SEVERITY[e.kind],
      message: `${camera.name ?? camera.id}: ${e.kind}`,
      data: {
        camera: camera.id,
        name: camera.name ?? camera.id,
        location: camera.location ?? null,
        sourceKey: e.sourceKey,
        snapshot,
        snapshotError,
      },
    });
  }
}
