import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccessUnitSplitter, type VideoCodec } from './annexb.ts';
import { crc32mpeg, psPack } from './ps-mux.ts';

/** A short stream from ffmpeg's encoder, written as the gateway asks ffmpeg for it: Annex B with access unit delimiters. */
function elementary(codec: VideoCodec, dir: string): Buffer {
  const out = join(dir, `v.${codec}`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=640x360:rate=25',
    '-frames:v',
    '50',
    '-c:v',
    codec === 'h264' ? 'libx264' : 'libx265',
    '-g',
    '25',
    '-bf',
    '2',
    ...(codec === 'h265' ? ['-x265-params', 'log-level=error'] : []),
    '-bsf:v',
    codec === 'h264' ? 'h264_metadata=aud=insert' : 'hevc_metadata=aud=insert',
    '-f',
    codec === 'h264' ? 'h264' : 'hevc',
    out,
  ]);
  return readFileSync(out);
}

const probe = (file: string, entries: string) =>
  execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', entries, '-of', 'csv=p=0', file],
    {
      encoding: 'utf8',
    },
  ).trim();

for (const codec of ['h264', 'h265'] as const) {
  test(`${codec}: pictures cut at their delimiters and packed one per pack are read by ffprobe and decoded by GStreamer's mpegpsdemux`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-'));
    try {
      const es = elementary(codec, dir);
      const split = new AccessUnitSplitter(codec);
      // Fed in odd-sized pieces, as a pipe delivers them.
      const units = [];
      for (let at = 0; at < es.length; at += 1777) units.push(...split.push(es.subarray(at, at + 1777)));
      units.push(
        ...split.push(Buffer.from(codec === 'h264' ? [0, 0, 0, 1, 0x09, 0xf0] : [0, 0, 0, 1, 0x46, 0x01, 0x50])),
      );
      assert.equal(units.length, 50, 'every picture, once');
      // ffprobe's packet flags, in decode order, say where the encoder put its keyframes.
      const esFile = join(dir, `v.${codec}`);
      const keys = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=flags', '-of', 'csv=p=0', esFile], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .flatMap((f, i) => (f.startsWith('K') ? [i] : []));
      assert.ok(keys.length >= 2, keys.join(','));
      assert.deepEqual(
        units.flatMap((u, i) => (u.keyframe ? [i] : [])),
        keys,
        'keyframes where the encoder put them',
      );
      const ps = Buffer.concat(units.map((u, i) => psPack(u.bytes, 3600 * i + 90_000, u.keyframe, codec)));
      // One pack per picture; a system header and a stream map at each keyframe only.
      const count = (code: number) => {
        let n = 0;
        for (
          let i = ps.indexOf(Buffer.from([0, 0, 1, code]));
          i >= 0;
          i = ps.indexOf(Buffer.from([0, 0, 1, code]), i + 4)
        )
          n++;
        return n;
      };
      assert.deepEqual([count(0xba), count(0xbb), count(0xbc)], [50, keys.length, keys.length]);
      const file = join(dir, 'out.ps');
      writeFileSync(file, ps);
      const [name, frames] = probe(file, 'stream=codec_name,nb_read_frames').split(',');
      assert.equal(name, codec === 'h264' ? 'h264' : 'hevc');
      assert.equal(Number(frames), 50, 'every picture decodes');
      assert.equal(probe(file, 'stream=id'), '0x1e0', 'video stream id 0xE0');
      const gst = execFileSync(
        'gst-launch-1.0',
        [
          '-q',
          'filesrc',
          `location=${file}`,
          '!',
          'mpegpsdemux',
          '!',
          codec === 'h264' ? 'h264parse' : 'h265parse',
          '!',
          'fakesink',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      assert.doesNotMatch(gst, /ERROR|WARNING/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a picture larger than one PES packet is split, the PTS on the first part only; the stream map carries a valid CRC', () => {
  const big = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x65]), Buffer.alloc(150_000, 0x11)]);
  const pack = psPack(big, 1234, true, 'h264');
  const pesAt: number[] = [];
  for (
    let i = pack.indexOf(Buffer.from([0, 0, 1, 0xe0]));
    i >= 0;
    i = pack.indexOf(Buffer.from([0, 0, 1, 0xe0]), i + 4)
  )
    pesAt.push(i);
  assert.equal(pesAt.length, 3);
  assert.deepEqual(
    pesAt.map((i) => pack[i + 7]),
    [0x80, 0x00, 0x00],
    'PTS flag on the first PES only',
  );
  const psm = pack.subarray(pack.indexOf(Buffer.from([0, 0, 1, 0xbc])));
  const len = psm.readUInt16BE(4);
  assert.equal(crc32mpeg(psm.subarray(0, 6 + len)), 0, 'CRC over the map, its own CRC included, is zero');
  assert.equal(psm[6 + 6], 0x1b, 'stream_type H.264');
});
