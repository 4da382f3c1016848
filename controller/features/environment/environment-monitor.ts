import type { AlarmManager } from '../../core/alarms.ts';
import type { Reading, Severity, StoredEvent } from '../../core/types.ts';
import { mergeLimits, seasonAt, standardLimits, type Season } from './air-quality.ts';
import { type Band, type Limit, nextBand } from './thresholds.ts';
import { TimeMean } from './time-mean.ts';

export interface EnvironmentOptions {
  summerMonths: readonly number[];
  overrides: readonly Partial<Limit>[];
  /** Whether lessons are on at this time (classroom lighting is judged only then). */
  inLessonHours: (ts: number) => boolean;
  /** Readings of one device's point since a time, so time means survive a restart. */
  history?: (device: string, point: string, from: number) => { ts: number; value: number }[];
  now?: () => number;
}

// Pollutants over their limit are major; comfort and lighting are warnings.
const MAJOR = new Set(['co2', 'pm25', 'pm10', 'hcho', 'tvoc']);

const windowName = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);
const windowZh = (s: number) => (s % 3600 === 0 ? `${s / 3600} 小时` : `${Math.round(s / 60)} 分钟`);
const POINT_ZH: Record<string, string> = {
  co2: '二氧化碳',
  pm25: 'PM2.5',
  pm10: 'PM10',
  hcho: '甲醛',
  tvoc: 'TVOC',
  temperature: '温度',
  humidity: '湿度',
  illuminance: '照度',
};

/**
 * Watches committed telemetry and raises threshold alarms per device, so two
 * sensors in one room never flip one state between them. A limit with an
 * averaging time (GB/T 18883's 1 h, 8 h and 24 h means) is judged on that mean;
 * the instantaneous value against the same limit is an early warning. Both use
 * hysteresis so a value hovering at the limit does not flap.
 */
export class EnvironmentMonitor {
  private readonly bands = new Map<string, Band>();
  private readonly means = new Map<string, TimeMean>();
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
        if (r.quality === 'good') this.evaluate(room, e.source, e.ts, r);
      }
    }
  };

  limits(season: Season = seasonAt(new Date(this.now()), this.options.summerMonths)): Limit[] {
    return mergeLimits(standardLimits(season), this.options.overrides);
  }

  private evaluate(room: string, device: string, ts: number, reading: Reading & { quality: 'good' }): void {
    const limit = this.limits().find((l) => l.point === reading.point);
    if (!limit || (limit.unit !== undefined && limit.unit !== reading.unit)) return;
    const outOfHours = limit.lessonHoursOnly && !this.options.inLessonHours(ts);
    const ctx = { room, device, reading, limit };
    if (!limit.window_s) {
      this.judge(`env:${device}:${reading.point}`, outOfHours ? null : reading.value, 'standard', ctx);
      return;
    }
    this.judge(`env:${device}:${reading.point}`, reading.value, 'early', ctx);
    const mean = this.window(device, reading.point, limit.window_s, ts);
    mean.add(ts, reading.value);
    const m = mean.mean(ts);
    if (m) this.judge(`env:${device}:${reading.point}:mean`, Math.round(m.mean * 1000) / 1000, 'standard', ctx);
  }

  /** The point's window, filled from the stored readings before `ts` the first time it is asked for. */
  private window(device: string, point: string, windowS: number, ts: number): TimeMean {
    const key = `${device}:${point}:${windowS}`;
    let w = this.means.get(key);
    if (!w) {
      w = new TimeMean(windowS * 1000);
      for (const r of this.options.history?.(device, point, ts - windowS * 1000) ?? [])
        if (r.ts < ts) w.add(r.ts, r.value);
      this.means.set(key, w);
    }
    return w;
  }

  /** After a restart the band comes from alarms still active, so they can clear. */
  private bandFromOpenAlarms(stateKey: string): Band {
    if (this.alarms.isActive(`${stateKey}:high`)) return 'high';
    if (this.alarms.isActive(`${stateKey}:low`)) return 'low';
    return 'ok';
  }

  /** `value` null: not judged now (lighting out of lesson hours), so any alarm clears. */
  private judge(
    stateKey: string,
    value: number | null,
    kind: 'early' | 'standard',
    { room, device, reading, limit }: { room: string; device: string; reading: Reading; limit: Limit },
  ): void {
    const previous = this.bands.get(stateKey) ?? this.bandFromOpenAlarms(stateKey);
    const band = value === null ? 'ok' : nextBand(previous, value, limit);
    if (band === previous) return;
    this.bands.set(stateKey, band);
    if (previous !== 'ok') this.alarms.clear(`${stateKey}:${previous}`, { clearedBy: value });
    if (band === 'ok' || value === null) return;
    const bound = band === 'high' ? limit.max : limit.min;
    const averaged = kind === 'standard' && limit.window_s;
    const zhPoint = POINT_ZH[reading.point] ?? reading.point;
    const [what, whatZh] = averaged
      ? [`${reading.point} ${windowName(limit.window_s!)} mean`, `${zhPoint} ${windowZh(limit.window_s!)}均值`]
      : kind === 'early'
        ? [
            `${reading.point} now (early warning; the limit is a ${windowName(limit.window_s!)} mean)`,
            `${zhPoint}瞬时值（预警，限值为 ${windowZh(limit.window_s!)}均值）`,
          ]
        : [reading.point, zhPoint];
    const op = band === 'high' ? '>' : '<';
    const opZh = band === 'high' ? '高于' : '低于';
    const severity: Severity = kind === 'standard' && MAJOR.has(reading.point) ? 'major' : 'warning';
    this.alarms.raise({
      key: `${stateKey}:${band}`,
      type: `environment.${reading.point}.${band}`,
      source: device,
      severity,
      message: `${room}：${whatZh} ${value} ${reading.unit} ${opZh} ${bound}（${limit.standard}） · ${room}: ${what} ${value} ${reading.unit} ${op} ${bound} (${limit.standard})`,
      data: {
        room,
        point: reading.point,
        value,
        unit: reading.unit,
        limit: bound,
        window_s: averaged ? limit.window_s : 0,
        early_warning: kind === 'early',
        standard: limit.standard,
      },
    });
  }
}
