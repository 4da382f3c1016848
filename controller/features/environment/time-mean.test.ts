import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeMean } from './time-mean.ts';

const H = 3_600_000;

test('a 1 h mean is judged only once 45 of its minutes hold readings, and forgets what left the window', () => {
  const w = new TimeMean(H);
  const t0 = 1_800_000_000_000;
  for (let s = 0; s < 44 * 60; s += 15) w.add(t0 + s * 1000, 900);
  assert.equal(w.mean(t0 + 44 * 60_000), null, '44 minutes are not enough');
  for (let s = 44 * 60; s < 60 * 60; s += 15) w.add(t0 + s * 1000, 1300);
  const m = w.mean(t0 + 60 * 60_000 - 1)!;
  assert.equal(Math.round(m.mean), 1007); // 44 minutes at 900, 16 at 1300
  // Two hours on, with nothing new: the old readings have left the window.
  assert.equal(w.mean(t0 + 3 * H), null);
});

test('a mean needs readings across the window, not many in one minute', () => {
  const w = new TimeMean(H);
  for (let i = 0; i < 1000; i++) w.add(1_800_000_000_000 + i, 2000);
  assert.equal(w.mean(1_800_000_000_000 + 1000), null);
});
