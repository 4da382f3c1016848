/**
 * Which of a camera's buffered segments make the clip of a press, and when each segment was
 * on the wall clock. Pure.
 */

export interface Segment {
  file: string;
  startMs: number;
  endMs: number;
}

/** ffmpeg's CSV segment list: "name,start,end" per closed segment, times in stream seconds. */
export function parseSegmentList(text: string): { file: string; durationS: number }[] {
  const out: { file: string; durationS: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([\w.-]+),(-?[\d.]+),(-?[\d.]+)$/.exec(line.trim());
    if (m) out.push({ file: m[1]!, durationS: Math.max(0, Number(m[3]) - Number(m[2])) });
  }
  return out;
}

/**
 * The segments covering [fromMs, toMs]: from the last one that starts at or before `fromMs`
 * (a segment starts at a keyframe, so the clip opens on one, at most a segment early) to the
 * last one that starts before `toMs`.
 */
export function segmentsFor(segments: readonly Segment[], fromMs: number, toMs: number): Segment[] {
  const sorted = [...segments].sort((a, b) => a.startMs - b.startMs);
  let first = 0;
  sorted.forEach((s, i) => {
    if (s.startMs <= fromMs) first = i;
  });
  return sorted.slice(first).filter((s) => s.startMs < toMs);
}
