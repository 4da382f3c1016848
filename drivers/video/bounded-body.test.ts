import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedBody } from './bounded-body.ts';

const stream = (chunks: number[], onPull: () => void) =>
  new ReadableStream<Uint8Array>({
    pull(c) {
      onPull();
      const n = chunks.shift();
      if (n === undefined) c.close();
      else c.enqueue(new Uint8Array(n));
    },
  });

test('a body within the limit is read whole; one past it is refused without reading the rest', async () => {
  let pulls = 0;
  assert.equal((await boundedBody(new Response(stream([1000, 1000], () => pulls++)), 4096)).length, 2000);
  pulls = 0;
  const huge = Array<number>(64).fill(1024 * 1024); // 64 MB, a megabyte at a time
  await assert.rejects(boundedBody(new Response(stream(huge, () => pulls++)), 8 * 1024 * 1024), /over the/);
  assert.ok(pulls < 12, `stopped after ${pulls} of 64 chunks`);
  const declared = new Response('x', { headers: { 'content-length': String(64 * 1024 * 1024) } });
  await assert.rejects(boundedBody(declared, 1024), /67108864 bytes is over the 1024-byte limit/);
});
