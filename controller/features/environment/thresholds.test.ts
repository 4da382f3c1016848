import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlarmManager } from '../../core/alarms.ts';
import type { Reading, StoredEvent } from '../../core/types.ts';
import { mergeLimits, seasonAt, standardLimits } from './air-quality.ts';
import { EnvironmentMonitor } from './environment-monitor.ts';
import { type Band, nextBand } from './thresholds.ts';

const co2 = standardLimits('winter').find((l) => l.point === 'co2')!;

test('CO2 goes high above 1000 ppm and clears only below the hysteresis band', () => {
  const walk = (values: number[]) =>
    values.reduce<Band[]>((acc, v) => {
      acc.push(nextBand(acc.at(-1) ?? 'ok', v, co2));
      return acc;
    }, []);
  assert.deepEqual(walk([900, 1001, 990, 960, 951, 950, 1000]), ['ok', 'high', 'high', 'high', 'high', 'ok', 'ok']);
});

test('temperature has a seasonal band with a low side', () => {
  const winter = standardLimits('winter').find((l) => l.point === 'temperature')!;
  const summer = standardLimits('summer').find((l) => l.point === 'temperature')!;
  assert.equal(nextBand('ok', 15.9, winter), 'low');
  assert.equal(nextBand('low', 16.2, winter), 'low');
  assert.equal(nextBand('low', 16.5, winter), 'ok');
  assert.equal(nextBand('ok', 21, summer), 'low');
  assert.equal(nextBand('ok', 28.5, summer), 'high');
});

test('the standard states each limit with its averaging time; an override keeps what it leaves out', () => {
  const byPoint = Object.fromEntries(
    standardLimits('winter').map((l) => [l.point, [l.max ?? l.min, l.unit, l.window_s ?? 0]]),
  );
  assert.deepEqual(byPoint, {
    co2: [1000, 'ppm', 3600],
    pm25: [50, 'µg/m³', 86400],
    pm10: [100, 'µg/m³', 86400],
    hcho: [0.08, 'mg/m³', 3600],
    tvoc: [0.6, 'mg/m³', 28800],
    temperature: [24, '°C', 0],
    humidity: [60, '%RH', 0],
    illuminance: [300, 'lx', 0],
  });
  assert.equal(seasonAt(new Date('2026-07-01T12:00:00'), [5, 6, 7, 8, 9, 10]), 'summer');
  const merged = mergeLimits(standardLimits('winter'), [{ point: 'co2', max: 800 }]);
  assert.deepEqual(
    (({ max, window_s, hysteresis, standard }) => ({ max, window_s, hysteresis, standard }))(
      merged.find((l) => l.point === 'co2')!,
    ),
    { max: 800, window_s: 3600, hysteresis: 50, standard: 'site' },
  );
});

/** Alarms as the monitor sees them: raised, cleared, active. */
function fakeAlarms() {
  const active = new Map<string, { severity: string; message: string; data: Record<string, unknown> }>();
  const log: string[] = [];
  const alarms = {
    raise: (a: { key: string; severity: string; message: string; data: Record<string, unknown> }) => {
      active.set(a.key, a);
      log.push(`raise ${a.key}`);
    },
    clear: (key: string) => {
      active.delete(key);
      log.push(`clear ${key}`);
    },
    isActive: (key: string) => active.has(key),
  };
  return { alarms: alarms as unknown as AlarmManager, active, log };
}

const T0 = Date.UTC(2026, 11, 1, 1, 0); // 09:00 in Shanghai, a Tuesday
let seq = 0;
const reading = (device: string, room: string, ts: number, point: string, value: number, unit: string): StoredEvent =>
  ({
    id: `e${++seq}`,
    seq,
    ts,
    topic: 'telemetry',
    type: 'env.reading',
    source: device,
    data: { room, model: 'm', readings: [{ point, value, unit, quality: 'good' } satisfies Reading] },
  }) as unknown as StoredEvent;

const monitor = (alarms: AlarmManager, extra: Partial<ConstructorParameters<typeof EnvironmentMonitor>[1]> = {}) =>
  new EnvironmentMonitor(alarms, {
    summerMonths: [5, 6, 7, 8, 9, 10],
    overrides: [],
    inLessonHours: () => true,
    now: () => T0,
    ...extra,
  });

test('two sensors in one room keep their own state: one high, one normal, no flapping', () => {
  const { alarms, log } = fakeAlarms();
  const m = monitor(alarms);
  for (let i = 0; i < 20; i++) {
    m.onCommitted([reading('co2-a', '101', T0 + i * 15_000, 'co2', 1300, 'ppm')]);
    m.onCommitted([reading('co2-b', '101', T0 + i * 15_000 + 1, 'co2', 700, 'ppm')]);
  }
  assert.deepEqual(log, ['raise env:co2-a:co2:high']);
});

test('CO2 against its 1 h mean: the instant value warns early, the mean raises the alarm once 45 minutes are in', () => {
  const { alarms, active } = fakeAlarms();
  const m = monitor(alarms);
  const feed = (fromMin: number, toMin: number, value: number) => {
    for (let s = fromMin * 60; s < toMin * 60; s += 15)
      m.onCommitted([reading('co2-a', '101', T0 + s * 1000, 'co2', value, 'ppm')]);
  };
  feed(0, 30, 1100);
  assert.deepEqual([...active.keys()], ['env:co2-a:co2:high'], 'an early warning only');
  assert.equal(active.get('env:co2-a:co2:high')!.severity, 'warning');
  assert.match(active.get('env:co2-a:co2:high')!.message, /early warning; the limit is a 1 h mean/);
  feed(30, 50, 1100);
  const mean = active.get('env:co2-a:co2:mean:high')!;
  assert.equal(mean.severity, 'major');
  assert.match(mean.message, /co2 1 h mean 1100 ppm > 1000 \(GB\/T 18883-2022\)/);
  assert.match(mean.message, /二氧化碳 1 小时均值 1100 ppm 高于 1000/);
  assert.equal(mean.data.window_s, 3600);
  // Air comes in: the instant value is fine at once, the mean only once it has come down.
  feed(50, 60, 800);
  assert.equal(active.has('env:co2-a:co2:high'), false);
  assert.equal(active.has('env:co2-a:co2:mean:high'), true, 'the mean is still about 1050');
  feed(60, 110, 800);
  assert.equal(active.has('env:co2-a:co2:mean:high'), false);
});

test('after a restart the mean starts from the stored readings', () => {
  const { alarms, active } = fakeAlarms();
  const history = Array.from({ length: 236 }, (_, i) => ({ ts: T0 - 3_600_000 + i * 15_000, value: 1200 }));
  const m = monitor(alarms, { history: (_d, _p, from) => history.filter((h) => h.ts >= from) });
  m.onCommitted([reading('co2-a', '101', T0, 'co2', 1200, 'ppm')]);
  assert.equal(active.has('env:co2-a:co2:mean:high'), true);
});

test('classroom lighting is judged against GB 7793 in lesson hours only; a reading in another unit is not compared', () => {
  const { alarms, active } = fakeAlarms();
  let lessons = true;
  const m = monitor(alarms, { inLessonHours: () => lessons });
  m.onCommitted([reading('lux-1', '101', T0, 'illuminance', 120, 'lx')]);
  assert.match(active.get('env:lux-1:illuminance:low')!.message, /illuminance 120 lx < 300 \(GB 7793-2010\)/);
  lessons = false;
  m.onCommitted([reading('lux-1', '101', T0 + 60_000, 'illuminance', 3, 'lx')]);
  assert.equal(active.size, 0, 'lights off after school is no alarm');
  m.onCommitted([reading('pm-1', '101', T0, 'pm25', 900, 'mg/m³')]);
  assert.equal(active.size, 0);
});
