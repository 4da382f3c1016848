import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteRange } from './byte-range.ts';

test('one byte range, as a browser asks for a video', () => {
  assert.equal(byteRange(undefined, 100), null);
  assert.deepEqual(byteRange('bytes=0-', 100), { start: 0, end: 99 });
  assert.deepEqual(byteRange('bytes=10-19', 100), { start: 10, end: 19 });
  assert.deepEqual(byteRange('bytes=90-500', 100), { start: 90, end: 99 }, 'an end past the file is the end');
  assert.deepEqual(byteRange('bytes=-30', 100), { start: 70, end: 99 }, 'a suffix');
  assert.deepEqual(byteRange('bytes=-300', 100), { start: 0, end: 99 });
});

test('ranges it cannot serve: unsatisfiable, or ignored for the whole file', () => {
  assert.equal(byteRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(byteRange('bytes=20-10', 100), 'unsatisfiable');
  assert.equal(byteRange('bytes=-0', 100), 'unsatisfiable');
  assert.equal(byteRange('bytes=0-', 0), 'unsatisfiable');
  for (const h of ['bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=-', 'bytes=1-2-3', ''])
    assert.equal(byteRange(h, 100), null, h);
});
