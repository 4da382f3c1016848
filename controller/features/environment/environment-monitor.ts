import type { AlarmManager } from '../../core/alarms.ts';
import { gbt18883Limits, mergeLimits, seasonAt, type Season } from './air-quality.ts';
import { nextBand, type Band, type Limit } from './thresholds.ts';
import type { Reading, StoredEvent } from '../../core/types.ts';

export interface EnvironmentOptions {
  summerMonths: readonly number[];
  overrides: readonly Limit[];
  now?: () => number;
}

/**
 * Watches committed telemetry and raises per-room threshold alarms, with
 * hysteresis so a value hovering at the limit does not flap.
 */
export class EnvironmentMonitor {
  private readonly bands = new Map<string, Band>();
  private readonly now: () => number;

  constructor(
    private readonly alarms: AlarmManager,
    private readonly options: EnvironmentOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  onCommitted = (events: readonly StoredEvent[]): void => {
    for (const e of events) {
      if (e.topic !== 'telemetry') continue;
      const room = e.data.room as string;
      for (const r of e.data.readings as Reading[]) {
        // A bad point says nothing about the air: it neither raises nor clears an alarm.
        if (r.quality === 'good') this.evaluate(room, e.source, r);
      }
    }
  };

  limits(season: Season = seasonAt(new Date(this.now()), this.options.summerMonths)): Limit[] {
    return mergeLimits(gbt18883Limits(season), this.options.overrides);
  }

  /** After a restart the band comes from alarms still active, so they can clear. */
  private bandFromOpenAlarms(stateKey: string): Band {
    if (this.alarms.isActive(`env:${stateKey}:high`)) return 'high';
    if (this.alarms.isActive(`env:${stateKey}:low`)) return 'low';
    return 'ok';
  }

  private evaluate(room: string, device: string, reading: Reading & { quality: 'good' }): void {
    const limit = this.limits().find((l) => l.point === reading.point);
    if (!limit) return;
    const stateKey = `${room}:${reading.point}`;
    const previous = this.bands.get(stateKey) ?? this.bandFromOpenAlarms(stateKey);
    const band = nextBand(previous, reading.value, limit);
    if (band === previous) return;
    this.bands.set(stateKey, band);
    if (previous !== 'ok') this.alarms.clear(`env:${stateKey}:${previous}`, { clearedBy: reading.value });
    if (band !== 'ok') {
      const bound = band === 'high' ? limit.max : limit.min;
      this.alarms.raise({
        key: `env:${stateKey}:${band}`,
        type: `environment.${reading.point}.${band}`,
        source: device,
        severity: reading.point === 'co2' || reading.point === 'pm25' ? 'major' : 'warning',
        message: `${room}: ${reading.point} ${reading.value} ${reading.unit} ${band === 'high' ? '>' : '<'} ${bound}`,
        data: { room, point: reading.point, value: reading.value, unit: reading.unit, limit: bound },
      });
    }
  }
}
