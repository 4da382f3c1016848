import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPlanImage } from './plan-image.ts';

/** Real files from ffmpeg, not bytes shaped by this code's own idea of the formats. */
function encoded(ext: string, size: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  try {
    const out = join(dir, `plan.${ext}`);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=white:s=${size}`, '-frames:v', '1', out]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('PNG, JPEG and WebP plans are read with their size, as ffmpeg wrote them', () => {
  assert.deepEqual(readPlanImage(encoded('png', '1200x800')), { mime: 'image/png', width: 1200, height: 800 });
  assert.deepEqual(readPlanImage(encoded('jpg', '1024x768')), { mime: 'image/jpeg', width: 1024, height: 768 });
  assert.deepEqual(readPlanImage(encoded('webp', '640x480')), { mime: 'image/webp', width: 640, height: 480 });
});

test('SVG, HTML, garbage, empty and truncated files are refused, never half-read', () => {
  const png = encoded('png', '64x64');
  const jpg = encoded('jpg', '64x64');
  for (const bytes of [
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    Buffer.from('<!doctype html><p>plan</p>'),
    Buffer.alloc(0),
    Buffer.from([0xff, 0xd8]),
    png.subarray(0, 20),
    jpg.subarray(0, 12),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)),
  ])
    assert.equal(readPlanImage(bytes), null, bytes.subarray(0, 12).toString('hex'));
  // A PNG header claiming a picture of 100 000 px a side.
  const huge = Buffer.from(png);
  huge.writeUInt32BE(100_000, 16);
  assert.equal(readPlanImage(huge), null);
});
