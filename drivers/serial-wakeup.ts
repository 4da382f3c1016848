import { Poller } from '@serialport/bindings-cpp/dist/poller.js';

/**
 * serialport's poller calls into JavaScript straight from a libuv callback, outside any
 * callback scope, so the promise its reader waits on settles without the microtask queue
 * being run. On Node 20 something else usually ran it; on Node 22 and later the read sits
 * until the next timer fires, which turns a 10 ms Modbus answer into a timeout. Handing the
 * wakeup to setImmediate runs it in the check phase, after which Node drains the queue.
 */
const once = Poller.prototype.once;
Poller.prototype.once = function (
  this: Poller,
  event: Parameters<typeof once>[0],
  callback: (err: Error | null) => void,
) {
  return once.call(this, event, (err: Error | null) => setImmediate(callback, err));
} as typeof once;
