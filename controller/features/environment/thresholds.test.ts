import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gbt18883Limits, mergeLimits, seasonAt } from './air-quality.ts';
import { nextBand, type Band } from './thresholds.ts';

const co2 = gbt18883Limits('winter').find((l) => l.point === 'co2')!;

test('CO2 goes high above 1000 ppm and clears only below the hysteresis band', () => {
  const walk = (values: number[]) =>
    values.reduce<Band[]>((acc, v) => {
      acc.push(nextBand(acc.at(-1) ?? 'ok', v, co2));
      return acc;
    }, []);
  assert.deepEqual(walk([900, 1001, 990, 960, 951, 950, 1000]), ['ok', 'high', 'high', 'high', 'high', 'ok', 'ok']);
});

test('temperature has a seasonal band with a low side', () => {
  const winter = gbt18883Limits('winter').find((l) => l.point === 'temperature')!;
  const summer = gbt18883Limits('summer').find((l) => l.point === 'temperature')!;
  assert.equal(nextBand('ok', 15.9, winter), 'low');
  assert.equal(nextBand('low', 16.2, winter), 'low');
  assert.equal(nextBand('low', 16.5, winter), 'ok');
  assert.equal(nextBand('ok', 21, summer), 'low');
  assert.equal(nextBand('ok', 28.5, summer), 'high');
});

test('season follows the configured summer months; overrides replace a point', () => {
  assert.equal(seasonAt(new Date('2026-07-01T12:00:00'), [5, 6, 7, 8, 9, 10]), 'summer');
  assert.equal(seasonAt(new Date('2026-12-01T12:00:00'), [5, 6, 7, 8, 9, 10]), 'winter');
  const merged = mergeLimits(gbt18883Limits('winter'), [{ point: 'co2', max: 800, hysteresis: 20 }]);
  assert.equal(merged.find((l) => l.point === 'co2')!.max, 800);
  assert.equal(merged.length, 4);
});
