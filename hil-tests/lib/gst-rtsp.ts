import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/** GStreamer's RTSP server (hil-tests/sim/gst-rtsp-server.py) on a free loopback port, ready to serve. */
export async function startGstRtspServer(): Promise<{ url(path: string): string; stop(): void; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', [join(import.meta.dirname, '..', 'sim', 'gst-rtsp-server.py'), String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    proc.once('exit', (code) =>
      reject(new Error(`gst-rtsp-server exited with ${code} (is gir1.2-gst-rtsp-server-1.0 installed?)`)),
    );
  });
  return { url: (path) => `rtsp://127.0.0.1:${port}${path}`, stop: () => proc.kill(), proc };
}
