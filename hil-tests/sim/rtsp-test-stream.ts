import { LOW_LATENCY_H264 } from '../../drivers/video/live-stream.ts';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * A camera's RTSP stream: ffmpeg encodes a moving test pattern to H.264 over
 * RTP on loopback, and this server answers OPTIONS, DESCRIBE, SETUP and PLAY
 * and relays the packets interleaved over the client's TCP connection.
 */
export class RtspTestStream {
  port = 0;
  private server: Server | null = null;
  private encoder: ChildProcess | null = null;
  private udp: UdpSocket | null = null;
  private sdp = '';
  private readonly players = new Set<Socket>();
  packets = 0;
  /** When each frame (by RTP timestamp) first left the camera, in epoch ms; for latency measurement. */
  readonly frameSentAt = new Map<number, number>();
  /** The RTP timestamp of the first packet each viewer received: its ffmpeg's time zero. */
  readonly firstTimestamp = new Map<Socket, number>();

  /** When the first packet left: frame 0 of the stream, on the wall clock. */
  firstPacketAt: number | null = null;

  constructor(
    private readonly dir: string,
    private readonly size = '640x360',
    private readonly codec: 'h264' | 'h265' | 'mjpeg' = 'h264',
    /**
     * What the pictures show: a moving test pattern, or each frame's number written in its top
     * row as 12 black or white blocks 40 px wide (bit 0 first), for a test to read back.
     */
    private readonly pattern: 'testsrc2' | 'frame-number' = 'testsrc2',
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/stream1`;
  }

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    this.udp = udp;
    udp.on('message', (pkt) => {
      this.packets++;
      this.firstPacketAt ??= Date.now();
      const ts = pkt.readUInt32BE(4);
      if (!this.frameSentAt.has(ts)) {
        this.frameSentAt.set(ts, performance.timeOrigin + performance.now());
        if (this.frameSentAt.size > 2000) this.frameSentAt.delete(this.frameSentAt.keys().next().value!);
      }
      for (const s of this.players) if (!this.firstTimestamp.has(s)) this.firstTimestamp.set(s, ts);
      const head = Buffer.from([0x24, 0, pkt.length >> 8, pkt.length & 0xff]);
      for (const s of this.players)
        if (!s.destroyed && s.writableLength < 4 * 1024 * 1024) s.write(Buffer.concat([head, pkt]));
    });
    const sdpFile = join(this.dir, `stream-${udp.address().port}.sdp`);
    const video =
      this.codec === 'mjpeg'
        ? ['-c:v', 'mjpeg', '-huffman', '0', '-q:v', '6', '-pix_fmt', 'yuvj420p'] // RFC 2435 wants the standard Huffman tables
        : this.codec === 'h265'
          ? // The default of many Chinese cameras; parameter sets repeated so a viewer can join at any keyframe.
            [
              '-c:v',
              'libx265',
              '-preset',
              'ultrafast',
              '-tune',
              'zerolatency',
              '-x265-params',
              'keyint=25:repeat-headers=1:log-level=error',
              '-pix_fmt',
              'yuv420p',
              '-payload_type',
              '96',
            ]
          : [
              ...LOW_LATENCY_H264,
              '-profile:v',
              'baseline',
              // SPS/PPS in the SDP and on every keyframe, so a viewer can join at any keyframe.
              '-flags',
              '+global_header',
              '-x264-params',
              'repeat-headers=1',
              '-payload_type',
              '96',
            ];
    this.encoder = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        this.pattern === 'frame-number'
          ? `color=c=gray:size=${this.size}:rate=25,format=yuv420p,geq=lum='if(lt(Y\\,40)\\,255*mod(floor(N/pow(2\\,floor(X/40)))\\,2)\\,128)':cb=128:cr=128`
          : `testsrc2=size=${this.size}:rate=${this.codec === 'mjpeg' ? 10 : 25}`,
        ...video,
        '-f',
        'rtp',
        '-sdp_file',
        sdpFile,
        `rtp://127.0.0.1:${udp.address().port}?pkt_size=1200`,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!this.sdp) {
      try {
        this.sdp = readFileSync(sdpFile, 'utf8');
      } catch {
        /* not written yet */
      }
      if (Date.now() > deadline) throw new Error('ffmpeg did not start the RTP stream');
      await new Promise((r) => setTimeout(r, 50));
    }
    const server = createServer((s) => this.session(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.players) s.destroy();
    this.encoder?.kill('SIGKILL');
    this.udp?.close();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Drops every viewer, as a camera does when its stream is lost. */
  dropViewers(): void {
    for (const s of this.players) s.destroy();
  }

  private session(s: Socket): void {
    s.on('error', () => {});
    s.on('close', () => {
      this.players.delete(s);
      this.firstTimestamp.delete(s);
    });
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const req = buf.slice(0, end);
        buf = buf.slice(end + 4);
        this.answer(s, req);
      }
    });
  }

  private answer(s: Socket, req: string): void {
    const [line = '', ...headers] = req.split('\r\n');
    const [method, url] = line.split(' ');
    const cseq =
      headers
        .find((h) => /^cseq:/i.test(h))
        ?.split(':')[1]
        ?.trim() ?? '0';
    const reply = (extra: string[], body = '') =>
      s.write(
        [
          `RTSP/1.0 200 OK`,
          `CSeq: ${cseq}`,
          ...extra,
          ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []),
          '',
          body,
        ].join('\r\n'),
      );
    switch (method) {
      case 'OPTIONS':
        reply(['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']);
        return;
      case 'DESCRIBE': {
        const sdp =
          this.sdp.replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0').replace(/^m=video \d+/m, 'm=video 0') +
          'a=control:track1\r\n';
        reply([`Content-Base: ${url}/`, 'Content-Type: application/sdp'], sdp);
        return;
      }
      case 'SETUP':
        reply(['Transport: RTP/AVP/TCP;unicast;interleaved=0-1', 'Session: 12345678;timeout=60']);
        return;
      case 'PLAY':
        reply(['Session: 12345678', 'Range: npt=0.000-']);
        this.players.add(s);
        return;
      case 'TEARDOWN':
        reply(['Session: 12345678']);
        this.players.delete(s);
        return;
      default:
        s.write(`RTSP/1.0 405 Method Not Allowed\r\nCSeq: ${cseq}\r\n\r\n`);
    }
  }
}
