import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusScheduler, interFrameGapMs, TimeoutError } from './bus-scheduler.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('one transaction at a time, with urgent jobs ahead of queued ones', async () => {
  const bus = new BusScheduler(1);
  const order: string[] = [];
  let active = 0;
  const job = (name: string) => async () => {
    active++;
    assert.equal(active, 1, 'never two at once');
    await sleep(5);
    order.push(name);
    active--;
    return name;
  };
  const all = [
    bus.run(job('poll-1'), 100),
    bus.run(job('poll-2'), 100),
    bus.run(job('poll-3'), 100),
    bus.run(job('gate'), 100, true),
  ];
  await Promise.all(all);
  assert.deepEqual(order, ['poll-1', 'gate', 'poll-2', 'poll-3']);
});

test('a job that hangs times out and the bus moves on', async () => {
  const bus = new BusScheduler(1);
  const hung = bus.run(() => new Promise(() => {}), 20);
  const next = bus.run(async () => 'next', 100);
  await assert.rejects(hung, TimeoutError);
  assert.equal(await next, 'next');
  assert.equal(interFrameGapMs(4800), 9);
  assert.equal(interFrameGapMs(115200), 2);
});

test('a Modbus TCP device takes up to maxInFlight transactions at once, never more', async () => {
  const bus = new BusScheduler(0, 3);
  let active = 0;
  let peak = 0;
  const job = async () => {
    active++;
    peak = Math.max(peak, active);
    await sleep(5);
    active--;
  };
  await Promise.all(Array.from({ length: 10 }, () => bus.run(job, 100)));
  assert.equal(peak, 3);
  assert.equal(bus.queued, 0);
});
