import type { AlarmManager } from '../../core/alarms.ts';
import { CodedError } from '../../core/message-catalog.ts';
import type { Pipeline } from '../../core/pipeline.ts';

export interface ButtonConfig {
  id: string;
  name: string;
  camera: string;
  input: string;
}

const MAX_TEST_MINUTES = 60;

/**
 * Emergency buttons (一键报警): a press latches a critical alarm that no
 * arming schedule can suppress and that only a person can reset. A logged
 * test mode lets the school run its monthly button test without an alarm.
 */
export class EmergencyButtons {
  private readonly testUntil = new Map<string, { until: number; by: string }>();

  constructor(
    private readonly buttons: ButtonConfig[],
    private readonly alarms: AlarmManager,
    private readonly pipeline: Pipeline,
    private readonly now: () => number = Date.now,
  ) {}

  /** The button wired to this camera input, if any. */
  /** The button wired to this input of this camera, by the input's name as the camera gives it. */
  find(cameraId: string, input: string): ButtonConfig | undefined {
    return this.buttons.find((b) => b.camera === cameraId && b.input === input);
  }

  press(button: ButtonConfig): void {
    const test = this.testUntil.get(button.id);
    if (test && test.until > this.now()) {
      this.pipeline.emit({
        topic: 'events/emergency',
        type: 'emergency.test-press',
        source: button.id,
        data: { name: button.name, testBy: test.by },
      });
      return;
    }
    this.alarms.raise({
      key: `emergency.button:${button.id}`,
      type: 'emergency.button',
      source: button.id,
      severity: 'critical',
      message: `一键报警 Emergency button: ${button.name}`,
      data: { name: button.name, camera: button.camera, input: button.input, latched: true },
    });
  }

  /** Only a person at the console resets a latched button alarm; that also acknowledges it. */
  reset(buttonId: string, by: string): boolean {
    const key = `emergency.button:${buttonId}`;
    const alarm = this.alarms.openAlarms().find((a) => a.key === key);
    if (!alarm) return false;
    this.alarms.clear(key, { resetBy: by });
    if (alarm.ackedAt === null) this.alarms.acknowledge(alarm.id, by);
    return true;
  }

  testMode(buttonId: string, minutes: number, by: string): { until: number } {
    if (!this.buttons.some((b) => b.id === buttonId)) throw new CodedError('button.unknown', { id: buttonId });
    const until = this.now() + Math.min(minutes, MAX_TEST_MINUTES) * 60_000;
    this.testUntil.set(buttonId, { until, by });
    this.pipeline.emit({
      topic: 'events/emergency',
      type: 'emergency.test-mode',
      source: buttonId,
      data: { until: new Date(until).toISOString(), by },
    });
    return { until };
  }
}
