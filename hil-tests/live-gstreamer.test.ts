/**
 * Live view against GStreamer's RTSP server (gst-rtsp-server), an implementation the project
 * did not write: H.264 with B-frames is remuxed without transcoding, H.265 is transcoded to
 * H.264; what reaches the browser is checked by ffprobe and GStreamer's own MP4 demuxer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Viewer } from '../drivers/contract.ts';
import { LiveStream } from '../drivers/video/live-stream.ts';
import { startGstRtspServer } from './lib/gst-rtsp.ts';
import { waitFor } from './lib/ports.ts';
import { tempDir } from './lib/site-fixture.ts';

const run = promisify(execFile);

describe('live view from gst-rtsp-server: H.264 with B-frames and H.265', () => {
  const t = tempDir('gst-live');
  let server: Awaited<ReturnType<typeof startGstRtspServer>>;

  before(async () => {
    server = await startGstRtspServer();
  });
  after(() => {
    server?.stop();
    t.remove();
  });

  /** Watches a stream for a while as one viewer; returns what the viewer got, written to a file. */
  async function watch(path: string, fragments: number) {
    const messages: (Buffer | string)[] = [];
    const lost: string[] = [];
    const live = new LiveStream(path, () => server.url(`/${path}`), {
      lost: (d) => lost.push(d),
      restored: () => {},
    });
    const viewer: Viewer = { send: (d) => messages.push(d), close: () => {} };
    live.add(viewer);
    try {
      await waitFor(`${fragments} fragments of ${path}`, () => live.counters.fragments >= fragments, 60_000, 100);
    } finally {
      live.close();
    }
    const init = JSON.parse(messages.find((m): m is string => typeof m === 'string')!) as {
      mime: string;
      transcoded: boolean;
    };
    const file = join(t.dir, `${path}.mp4`);
    writeFileSync(file, Buffer.concat(messages.filter((m): m is Buffer => typeof m !== 'string')));
    return { init, file, lost, transcoded: live.transcoded };
  }

  const probe = async (file: string) => {
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,profile,has_b_frames,nb_read_frames',
      '-of',
      'json',
      file,
    ]);
    return (JSON.parse(stdout) as { streams: Record<string, string | number>[] }).streams[0]!;
  };
  /** GStreamer's MP4 demuxer and H.264 parser over the whole file: a second reader that did not write it. */
  const gstreamerReads = (file: string) =>
    run('gst-launch-1.0', ['-q', 'filesrc', `location=${file}`, '!', 'qtdemux', '!', 'h264parse', '!', 'fakesink']);

  test('H.264 with B-frames is remuxed as it comes, reordering kept, and decodes frame by frame', async () => {
    const v = await watch('h264b', 40);
    assert.equal(v.transcoded, false, 'no transcode for H.264, B-frames or not');
    assert.match(v.init.mime, /avc1\.4D/, 'Main profile, as the camera sent it');
    const s = await probe(v.file);
    assert.equal(s.codec_name, 'h264');
    assert.equal(s.has_b_frames, 2, 'the B-frames are still there');
    assert.ok(Number(s.nb_read_frames) >= 25, `${s.nb_read_frames} frames decoded`);
    await gstreamerReads(v.file);
    assert.deepEqual(v.lost, []);
  });

  test('H.265 is transcoded to H.264 the browser plays', async () => {
    const v = await watch('h265', 40);
    assert.equal(v.transcoded, true);
    assert.match(v.init.mime, /avc1\./);
    const s = await probe(v.file);
    assert.equal(s.codec_name, 'h264');
    assert.ok(Number(s.nb_read_frames) >= 25, `${s.nb_read_frames} frames decoded`);
    await gstreamerReads(v.file);
    assert.deepEqual(v.lost, [], 'finding out that it needs a transcode is no lost stream');
  });
});
