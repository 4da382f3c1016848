import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { test } from 'node:test';
import { cappedAgent } from './capped-agent.ts';

test('an answer past the limit is cut off without being read; answers under it pass, on a kept-alive socket', async () => {
  let written = 0;
  let closedEarly = false;
  const server = createServer((req, res) => {
    if (req.url === '/small') {
      res.end('x'.repeat(1000));
      return;
    }
    // A hostile or broken camera: 64 MB of SOAP.
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const pump = () => {
      while (written < 64 * chunk.length) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      closedEarly = written < 64 * chunk.length || !res.writableFinished;
    });
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = cappedAgent(4 * 1024 * 1024);
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => {
          n += d.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  try {
    assert.equal(await get('/small'), 1000);
    assert.equal(await get('/small'), 1000, 'a second answer on the same socket starts a new count');
    await assert.rejects(get('/huge'), /over the 4194304-byte limit/);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(closedEarly, 'the camera was cut off');
    assert.ok(written < 32 * 1024 * 1024, `only ${written} bytes were sent before the cut`);
    assert.equal(await get('/small'), 1000, 'the next request works');
  } finally {
    agent.destroy();
    server.close();
  }
});
