import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { waitFor } from '../../hil-tests/lib/ports.ts';
import { RtspTestStream } from '../../hil-tests/sim/rtsp-test-stream.ts';
import type { Viewer } from '../contract.ts';
import { LiveStream } from './live-stream.ts';
import { avcCodec, BoxSplitter, startsWithKeyframe } from './mp4-boxes.ts';

const t = tempDir('live');
after(() => t.remove());

function collect(): Viewer & { messages: (Buffer | string)[] } {
  const messages: (Buffer | string)[] = [];
  return { messages, send: (d) => messages.push(d), close: () => {} };
}

test('MP4 boxes split across chunks; the codec string comes from avcC', () => {
  const box = (type: string, body: Buffer) => {
    const b = Buffer.alloc(8 + body.length);
    b.writeUInt32BE(b.length);
    b.write(type, 4, 'latin1');
    body.copy(b, 8);
    return b;
  };
  const avcC = box('avcC', Buffer.from([1, 0x42, 0xc0, 0x1e, 0xff]));
  const stream = Buffer.concat([box('ftyp', Buffer.from('isom')), box('moov', avcC), box('moof', Buffer.alloc(3))]);
  const s = new BoxSplitter();
  const boxes = [...s.push(stream.subarray(0, 10)), ...s.push(stream.subarray(10, 30)), ...s.push(stream.subarray(30))];
  assert.deepEqual(
    boxes.map((b) => b.type),
    ['ftyp', 'moov', 'moof'],
  );
  assert.equal(avcCodec(boxes[1]!.bytes), 'avc1.42C01E');
  assert.throws(() => new BoxSplitter().push(Buffer.from([0, 0, 0, 3, 0x61, 0x62, 0x63, 0x64])), /bad MP4 box size/);
});

test('a fragment starts on a keyframe when its first sample is a sync sample', () => {
  const box = (type: string, body: Buffer) => {
    const b = Buffer.alloc(8 + body.length);
    b.writeUInt32BE(b.length);
    b.write(type, 4, 'latin1');
    body.copy(b, 8);
    return b;
  };
  const u32 = (...v: number[]) =>
    Buffer.concat(
      v.map((x) => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(x >>> 0);
        return b;
      }),
    );
  const NON_SYNC = 0x01010000;
  // tfhd: flags 0x20 (default_sample_flags), track 1, defaults = non-sync
  const tfhd = box('tfhd', u32(0x000020, 1, NON_SYNC));
  const keyTrun = box('trun', u32(0x000005, 25, 100, 0x02000000)); // data offset + first_sample_flags: sync
  const plainTrun = box('trun', u32(0x000001, 25, 100));
  assert.equal(startsWithKeyframe(box('moof', box('traf', Buffer.concat([tfhd, keyTrun])))), true);
  assert.equal(startsWithKeyframe(box('moof', box('traf', Buffer.concat([tfhd, plainTrun])))), false);
  assert.equal(startsWithKeyframe(box('moof', Buffer.alloc(0))), false);
});

test('a stream the browser cannot play (MJPEG) falls back to a bounded H.264 transcode', async () => {
  const rtsp = new RtspTestStream(t.dir, '320x240', 'mjpeg');
  await rtsp.start();
  const events: string[] = [];
  const live = new LiveStream('cam-mjpeg', () => rtsp.url, {
    lost: (d) => events.push(`lost ${d}`),
    restored: () => events.push('restored'),
  });
  const v = collect();
  try {
    live.add(v);
    const init = await waitFor(
      'an init segment',
      () => v.messages.find((m): m is string => typeof m === 'string'),
      30_000,
      100,
    );
    assert.match(JSON.parse(init).mime, /avc1\./);
    assert.equal(JSON.parse(init).transcoded, true);
    await waitFor('fragments', () => v.messages.filter((m) => typeof m !== 'string').length > 3, 20_000, 100);
    assert.equal(live.transcoded, true);
  } finally {
    live.close();
    await rtsp.stop();
  }
});

test('a second camera that needs transcoding waits its turn and says so; no stream-lost alarm', async () => {
  const rtsp = new RtspTestStream(t.dir, '320x240', 'mjpeg');
  await rtsp.start();
  const events: string[] = [];
  const sink = (cam: string) => ({
    lost: (d: string) => events.push(`${cam} lost ${d}`),
    restored: () => events.push(`${cam} restored`),
  });
  const first = new LiveStream('cam-a', () => rtsp.url, sink('cam-a'));
  const second = new LiveStream('cam-b', () => rtsp.url, sink('cam-b'));
  const [va, vb] = [collect(), collect()];
  const strings = (v: typeof va) =>
    v.messages.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m));
  try {
    first.add(va);
    await waitFor('the first camera transcoding', () => strings(va).some((m) => m.kind === 'init'), 30_000, 100);
    // The second is discovered to need a transcode only after a remux try; give it that time.
    second.add(vb);
    await waitFor('the second camera queued', () => strings(vb).some((m) => m.kind === 'queued'), 30_000, 100);
    assert.deepEqual(
      strings(vb).find((m) => m.kind === 'queued'),
      { kind: 'queued', reason: 'transcoder-busy' },
    );
    assert.deepEqual(
      events.filter((e) => e.startsWith('cam-b lost')),
      [],
      'waiting for the transcoder is not a lost stream',
    );
    first.close();
    await waitFor(
      'the second camera starting once the first ends',
      () => strings(vb).some((m) => m.kind === 'init'),
      30_000,
      100,
    );
    assert.equal(second.transcoded, true);
  } finally {
    first.close();
    second.close();
    await rtsp.stop();
  }
});
