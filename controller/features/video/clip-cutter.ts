import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Segment } from './prealarm-window.ts';

const run = promisify(execFile);

/**
 * Joins a camera's segments into one MP4 (ffmpeg's concat demuxer, `-c copy`: the pictures as
 * the camera sent them), with the index at the front so a player can start at once. The clip's
 * bytes and its duration as ffprobe reads it.
 */
export async function cutClip(segments: readonly Segment[]): Promise<{ mp4: Buffer; durationS: number }> {
  if (!segments.length) throw new Error('no video buffered for that time');
  const base = join(tmpdir(), `campus-edge-clip-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const list = `${base}.txt`;
  const out = `${base}.mp4`;
  writeFileSync(list, segments.map((s) => `file '${s.file.replace(/'/g, "'\\''")}'\n`).join(''));
  try {
    await run(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-map',
        '0:v:0',
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        '-y',
        out,
      ],
      {
        timeout: 30_000,
      },
    );
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out],
      {
        timeout: 10_000,
      },
    );
    return { mp4: readFileSync(out), durationS: Number(stdout.trim()) };
  } finally {
    rmSync(list, { force: true });
    rmSync(out, { force: true });
  }
}
