import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventInput } from './types.ts';
import { ClockJumpWatch, clockJump } from './clock-jump.ts';

test('a step of the wall clock beyond the monotonic clock is a jump; jitter is not', () => {
  assert.equal(clockJump({ wallMs: 0, monoMs: 0 }, { wallMs: 1500, monoMs: 1000 }, 2000), null);
  assert.equal(clockJump({ wallMs: 0, monoMs: 0 }, { wallMs: 3_601_000, monoMs: 1000 }, 2000), 3_600_000);
  assert.equal(clockJump({ wallMs: 10_000, monoMs: 0 }, { wallMs: 1000, monoMs: 1000 }, 2000), -10_000);
});

test('each jump is recorded once, with where the clock was and where it went', () => {
  const events: EventInput[] = [];
  const samples = [
    { wallMs: 1e12, monoMs: 0 },
    { wallMs: 1e12 + 1000, monoMs: 1000 },
    { wallMs: 1e12 + 86_402_000, monoMs: 2000 },
    { wallMs: 1e12 + 86_403_000, monoMs: 3000 },
  ];
  const watch = new ClockJumpWatch(
    (e) => events.push(e),
    () => samples.shift()!,
  );
  assert.deepEqual([watch.check(), watch.check(), watch.check()], [null, 86_400_000, null]);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.type, 'clock.jumped');
  assert.deepEqual(events[0]!.data, {
    jumpMs: 86_400_000,
    from: new Date(1e12 + 2000).toISOString(),
    to: new Date(1e12 + 86_402_000).toISOString(),
  });
});
