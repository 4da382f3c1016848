import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AudioSource, Playback } from '../contract.ts';

/** Two-tone "ding-dong" at 8 kHz, repeated to the requested length. */
const chime = (seconds: number) =>
  `aevalsrc=0.5*if(lt(mod(t\\,1.4)\\,0.6)\\,sin(2*PI*659*t)\\,sin(2*PI*523*t)):s=8000:d=${seconds}`;

/**
 * Plays audio to PA zones as RTP (G.711 mu-law, 8 kHz, the open transport
 * for campus PA) through ffmpeg in real time; one ffmpeg feeds every zone of
 * a broadcast through the tee muxer. Multicast addresses get a small TTL.
 */
export function playRtp(source: AudioSource, destinations: string[]): Playback {
  let tmp: string | null = null;
  let proc: ChildProcess | null = null;
  let stopped = false;
  const done = (async (): Promise<{ ok: boolean; detail: string }> => {
    let input: string[];
    // A recording is paced to real time (-re); live speech already comes at its own pace.
    if (source.kind === 'chime') input = ['-re', '-f', 'lavfi', '-i', chime(source.seconds ?? 2.8)];
    else if (source.kind === 'file') input = ['-re', '-i', source.path];
    // Live: no probing, which would hold the first 2 s of speech back.
    else if (source.kind === 'live')
      input = [
        '-probesize',
        '32',
        '-analyzeduration',
        '0',
        '-f',
        source.codec,
        '-ar',
        '8000',
        '-ac',
        '1',
        '-i',
        'pipe:0',
      ];
    else {
      tmp = mkdtempSync(join(tmpdir(), 'campus-edge-tts-'));
      const wav = join(tmp, 'say.wav');
      const r = await run('espeak-ng', [
        '-v',
        source.lang === 'en' ? 'en' : 'cmn',
        '-s',
        '150',
        '-w',
        wav,
        source.text,
      ]);
      if (!r.ok) return { ok: false, detail: `espeak-ng: ${r.detail}` };
      input = ['-re', '-i', wav];
    }
    if (stopped) return { ok: false, detail: 'stopped' };
    const outs = destinations.map((d) => `[f=rtp]rtp://${d}${/^2(2[4-9]|3\d)\./.test(d) ? '?ttl=4' : ''}`).join('|');
    const p = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        ...input,
        '-map',
        '0:a',
        '-ac',
        '1',
        '-ar',
        '8000',
        '-c:a',
        'pcm_mulaw',
        '-payload_type',
        '0',
        '-f',
        'tee',
        outs,
      ],
      { stdio: [source.kind === 'live' ? 'pipe' : 'ignore', 'ignore', 'pipe'] },
    );
    proc = p;
    if (source.kind === 'live') {
      // ffmpeg gone (stopped, preempted) ends the input too, so whoever feeds it hears of it.
      p.stdin!.on('error', () => {});
      p.stdin!.once('close', () => source.input.destroy());
      source.input.pipe(p.stdin!);
    }
    return await new Promise((resolve) => {
      let err = '';
      p.stderr!.on('data', (d) => {
        err = (err + d).slice(-500);
      });
      p.on('exit', (code, signal) =>
        resolve({
          ok: code === 0,
          detail: signal ? `stopped (${signal})` : code === 0 ? 'finished' : `ffmpeg exited ${code}: ${err.trim()}`,
        }),
      );
    });
  })().finally(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  return {
    done,
    stop: () => {
      stopped = true;
      proc?.kill('SIGKILL');
    },
  };
}

function run(cmd: string, args: string[]): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d) => {
      err += d;
    });
    p.on('error', (e) => resolve({ ok: false, detail: e.message }));
    p.on('exit', (code) => resolve({ ok: code === 0, detail: err.trim() || `exit ${code}` }));
  });
}
