import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSegmentList, type Segment, segmentsFor } from './prealarm-window.ts';

const segs: Segment[] = Array.from({ length: 10 }, (_, i) => ({
  file: `seg-${i}.ts`,
  startMs: 1000 + i * 1000,
  endMs: 2000 + i * 1000,
}));

test('a clip opens on the segment holding its start, and ends with the last one begun before its end', () => {
  assert.deepEqual(
    segmentsFor(segs, 3500, 6200).map((s) => s.file),
    ['seg-2.ts', 'seg-3.ts', 'seg-4.ts', 'seg-5.ts'],
  );
  // Exactly on a boundary: that segment, not the one before.
  assert.deepEqual(
    segmentsFor(segs, 3000, 4000).map((s) => s.file),
    ['seg-2.ts'],
  );
  // The buffer does not reach back far enough: from its oldest segment.
  assert.equal(segmentsFor(segs, 0, 2500)[0]!.file, 'seg-0.ts');
  assert.deepEqual(segmentsFor([], 0, 1000), []);
});

test("ffmpeg's CSV segment list, its lines in any state", () => {
  assert.deepEqual(parseSegmentList('seg-000001.ts,0.000000,1.040000\nseg-000002.ts,1.040000,2.000000\nseg-0000'), [
    { file: 'seg-000001.ts', durationS: 1.04 },
    { file: 'seg-000002.ts', durationS: 0.96 },
  ]);
  assert.deepEqual(parseSegmentList('../etc/passwd,0,1\ngarbage'), []);
});
