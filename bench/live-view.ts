/**
 * Live-view CPU budget: the gateway's cost per camera stream, remuxed
 * (-c copy, the main path) against transcoded (the bounded fallback: MJPEG, and
 * H.265 at 720p and 1080p, decoded and encoded again as H.264), from
 * ffmpeg's own CPU time in /proc while each stream feeds one viewer.
 */
import type { Viewer } from '../drivers/contract.ts';
import { LiveStream } from '../drivers/video/live-stream.ts';
import { waitFor } from '../hil-tests/lib/ports.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { RtspTestStream } from '../hil-tests/sim/rtsp-test-stream.ts';
import { cpuSeconds } from './stats.ts';

async function measure(codec: 'h264' | 'h265' | 'mjpeg', size: string, streams: number, seconds: number) {
  const t = tempDir('bench-live');
  const source = new RtspTestStream(t.dir, size, codec);
  await source.start();
  const lives = Array.from(
    { length: streams },
    (_, i) => new LiveStream(`cam${i}`, () => source.url, { lost: () => {}, restored: () => {} }),
  );
  let bytes = 0;
  const viewer: Viewer = {
    send: (d) => {
      if (typeof d !== 'string') bytes += d.length;
    },
    close: () => {},
  };
  try {
    for (const l of lives) l.add(viewer);
    await waitFor('all streams running', () => lives.every((l) => l.counters.fragments > 0), 30_000, 100);
    const start = lives.map((l) => cpuSeconds(l.pid!));
    bytes = 0;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const used = lives.map((l, i) => cpuSeconds(l.pid!) - start[i]!);
    const perStream = used.reduce((a, b) => a + b, 0) / streams / seconds;
    return {
      perStream,
      streamsPerCore: 1 / perStream,
      mbps: (bytes * 8) / seconds / 1e6 / streams,
      transcoded: lives[0]!.transcoded,
    };
  } finally {
    for (const l of lives) l.close();
    await source.stop();
    t.remove();
  }
}

export async function liveViewBudget(seconds: number) {
  return {
    remux: await measure('h264', '1280x720', 4, seconds),
    transcode: await measure('mjpeg', '1280x720', 1, seconds),
    // H.265 is what many Chinese cameras send by default, and no browser's MSE plays it everywhere.
    h265At720p: await measure('h265', '1280x720', 1, seconds),
    h265At1080p: await measure('h265', '1920x1080', 1, seconds),
  };
}
