import { execFileSync } from 'node:child_process';

/** What ffprobe, decoding every picture, says of a file's first video stream. */
export function probeVideo(file: string): { codec: string; frames: number; durationS: number } {
  const out = JSON.parse(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=codec_name,nb_read_frames:format=duration',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8' },
    ),
  ) as { streams: { codec_name: string; nb_read_frames: string }[]; format: { duration?: string } };
  const s = out.streams[0];
  return {
    codec: s?.codec_name ?? '',
    frames: Number(s?.nb_read_frames ?? 0),
    durationS: Number(out.format.duration ?? NaN),
  };
}
