import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../lib/ports.ts';

/**
 * A police alarm centre's desk: Debian's baresip, an implementation the project did not write,
 * answering every call at once, speaking a tone (440 Hz unless told) and keeping what it hears as
 * a WAV file per call (its sndfile module). Hung up through its TCP control port.
 */
export class BaresipCentre {
  port = 0;
  private ctrlPort = 0;
  private proc: ChildProcess | null = null;
  log = '';

  constructor(
    private readonly dir: string,
    private readonly toneHz = 440,
  ) {}

  get uri(): string {
    return `sip:110@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.port ||= await freePort();
    this.ctrlPort ||= await freePort();
    const tone = join(this.dir, 'voice.wav');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${this.toneHz}:sample_rate=8000:duration=120`,
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      tone,
    ]);
    writeFileSync(
      join(this.dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${this.port}`,
        `audio_source aufile,${tone}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module sndfile.so',
        'module account.so',
        // The menu's commands (hangup) on the control port.
        'module menu.so',
        'module ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${this.ctrlPort}`,
        `snd_path ${this.dir}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(this.dir, 'accounts'), '<sip:110@127.0.0.1>;regint=0;answermode=auto;audio_codecs=PCMA,PCMU\n');
    const proc = spawn('baresip', ['-f', this.dir, '-s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      const seen = (d: Buffer) => {
        this.log += d;
        if (this.log.includes('baresip is ready')) resolve();
      };
      proc.stdout!.on('data', seen);
      proc.stderr!.on('data', seen);
      proc.once('exit', (code) =>
        reject(new Error(`baresip exited with ${code}: ${this.log.slice(-300)} (apt-get install baresip-core)`)),
      );
    });
  }

  /** A command on baresip's control port (a netstring of JSON); resolves with its answer. */
  command(command: string, params = ''): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const s = connect(this.ctrlPort, '127.0.0.1');
      const body = JSON.stringify({ command, params, token: 't1' });
      let got = ''; // ASCII JSON: characters are bytes
      s.on('connect', () => s.write(`${Buffer.byteLength(body)}:${body},`));
      s.on('data', (d) => {
        got += d;
        // Netstrings, one after another: events may come before the answer.
        for (let m = /^(\d+):/.exec(got); m && got.length >= m[0].length + Number(m[1]) + 1; m = /^(\d+):/.exec(got)) {
          const msg = JSON.parse(got.slice(m[0].length, m[0].length + Number(m[1])));
          got = got.slice(m[0].length + Number(m[1]) + 1);
          if (msg.response) {
            s.end();
            resolve(msg);
          }
        }
      });
      s.on('error', reject);
    });
  }

  hangUp(): Promise<unknown> {
    return this.command('hangup');
  }

  /** The WAV files of what the centre heard, one per call, oldest first. */
  heard(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^dump-.*-dec\.wav$/.test(f))
      .sort()
      .map((f) => join(this.dir, f));
  }

  stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }
}

/** Mean volume (dB) of a WAV file, or of the 100 Hz around `bandHz`: which tone it carries. */
export function wavVolumeDb(file: string, bandHz?: number): number {
  const { stderr } = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-i',
      file,
      '-af',
      bandHz ? `bandpass=f=${bandHz}:width_type=h:width=100,volumedetect` : 'volumedetect',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  return Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1] ?? Number.NaN);
}
