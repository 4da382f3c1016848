import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthState } from './types.ts';
import { deviceHealth } from './health-policy.ts';

const recorder = () => {
  const states: [HealthState, string | undefined][] = [];
  return { states, sink: (_id: string, _kind: string, s: HealthState, d?: string) => void states.push([s, d]) };
};

test('failures are degraded, then offline at the third in a row; a good answer that lasts resets the count', () => {
  const r = recorder();
  let now = 0;
  const h = deviceHealth(
    's1',
    'env-sensor',
    r.sink,
    () => 0.5,
    () => now,
  );
  assert.equal(h.failed('timeout', 1000), 1000);
  assert.equal(h.failed('timeout', 1000), 1000);
  h.failed('timeout', 1000);
  h.ok();
  now += 60_000;
  h.failed('timeout', 1000);
  assert.deepEqual(
    r.states.map(([s]) => s),
    ['degraded', 'degraded', 'offline', 'online', 'degraded'],
  );
});

test('an offline device is retried with backoff that grows, has jitter and stops at the cap', () => {
  const waits = (random: () => number, kind = 'gate') => {
    const h = deviceHealth('g', kind, () => {}, random);
    return Array.from({ length: 12 }, () => h.failed('no answer', 100));
  };
  const high = waits(() => 1);
  assert.deepEqual(high.slice(0, 2), [100, 100], 'degraded: the normal interval');
  assert.ok(high[3]! > high[2]! && high[4]! > high[3]!, 'grows while offline');
  assert.equal(Math.max(...high), 10_000, 'capped at 10 s for a fast poll');
  assert.deepEqual(waits(() => 0).slice(2), Array(10).fill(100), 'full jitter reaches down to the interval');
  assert.equal(Math.max(...waits(() => 1, 'camera')), 30_000, 'cameras back off further');
});

test('offline at once for a device known to be out of reach, and degraded for one that refuses', () => {
  const r = recorder();
  const h = deviceHealth('r1', 'card-reader', r.sink, () => 1);
  const wait = h.offline('serial port closed', 200);
  assert.equal(wait, 200, 'the first retry comes at the normal interval');
  assert.ok(h.offline('serial port closed', 200) > 200, 'later ones back off');
  h.degraded('secure channel refused');
  assert.deepEqual(r.states, [
    ['offline', 'serial port closed'],
    ['offline', 'serial port closed'],
    ['degraded', 'secure channel refused'],
  ]);
});

test('a device that fails again soon after coming back keeps its count: a flapping camera backs off', () => {
  let t = 0;
  const h = deviceHealth(
    'cam',
    'camera',
    () => {},
    () => 1,
    () => t,
  );
  const waits: number[] = [];
  // Its connect works, then its pulls fail at once, again and again (24 reconnects in 15 s before).
  for (let i = 0; i < 10; i++) {
    h.ok();
    t += 100;
    const w = h.failed('pull failed', 500);
    waits.push(w);
    t += w;
  }
  assert.deepEqual(waits.slice(0, 2), [500, 500]);
  assert.ok(waits[5]! > waits[3]! && waits[7]! > waits[5]!, `backoff grows across reconnects: ${waits}`);
  assert.equal(Math.max(...waits), 30_000, `and stops at the camera's cap: ${waits}`);
  // Up for longer than a moment: the next failure starts the count afresh.
  h.ok();
  t += 60_000;
  assert.equal(h.failed('pull failed', 500), 500);
});
