import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';

/**
 * A PA endpoint (a classroom speaker): receives RTP G.711 and, on request,
 * has ffmpeg decode what arrived to tell whether it was real audio.
 */
export class PaEndpointSim {
  private socket: Socket | null = null;
  port = 0;
  readonly packets: { at: number; ssrc: number; payload: Buffer }[] = [];

  async start(): Promise<number> {
    const s = createSocket('udp4');
    s.on('message', (m) => {
      if (m.length < 12 || m[0]! >> 6 !== 2) return;
      this.packets.push({ at: Date.now(), ssrc: m.readUInt32BE(8), payload: Buffer.from(m.subarray(12)) });
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    this.socket = s;
    this.port = s.address().port;
    return this.port;
  }

  stop(): void {
    this.socket?.close();
  }

  /** Streams (by SSRC) in order of arrival, each with its first and last packet time. */
  streams(): { ssrc: number; first: number; last: number; packets: number }[] {
    const by = new Map<number, { ssrc: number; first: number; last: number; packets: number }>();
    for (const p of this.packets) {
      const s = by.get(p.ssrc) ?? { ssrc: p.ssrc, first: p.at, last: p.at, packets: 0 };
      s.last = p.at;
      s.packets++;
      by.set(p.ssrc, s);
    }
    return [...by.values()].sort((a, b) => a.first - b.first);
  }

  /**
   * Decodes one stream's audio with ffmpeg; returns its mean volume in dB (about -91 for silence),
   * or only that within 100 Hz of `bandHz`, to tell one tone from another.
   */
  meanVolumeDb(ssrc: number, bandHz?: number): Promise<number> {
    const audio = Buffer.concat(this.packets.filter((p) => p.ssrc === ssrc).map((p) => p.payload));
    return new Promise((resolve, reject) => {
      const p = spawn('ffmpeg', [
        '-hide_banner',
        '-f',
        'mulaw',
        '-ar',
        '8000',
        '-ac',
        '1',
        '-i',
        'pipe:0',
        '-af',
        bandHz ? `bandpass=f=${bandHz}:width_type=h:width=100,volumedetect` : 'volumedetect',
        '-f',
        'null',
        '-',
      ]);
      let err = '';
      p.stderr.on('data', (d) => {
        err += d;
      });
      p.on('exit', () => {
        const m = /mean_volume: (-?[\d.]+) dB/.exec(err);
        if (m) resolve(Number(m[1]));
        else reject(new Error(`ffmpeg could not decode: ${err.slice(-200)}`));
      });
      p.stdin.end(audio);
    });
  }
}
