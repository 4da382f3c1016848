/**
 * The GB/T 28181 video path as a platform sees it, with the controller in its own process:
 * INVITE to first RTP packet (cold: the camera's pull starts; warm: another platform already
 * watches), and the CPU of PS-over-RTP streaming as platform viewers of one camera grow,
 * beside ffmpeg doing the nearest thing alone (-c copy to RTP/MPEG-TS, no GB/T 28181 PS).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControllerProcess } from '../hil-tests/lib/controller-process.ts';
import { freePort, waitFor } from '../hil-tests/lib/ports.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { GbPlatformSim } from '../hil-tests/sim/gb-platform-sim.ts';
import { OnvifCameraSim } from '../hil-tests/sim/onvif-camera-sim.ts';
import { RtspTestStream } from '../hil-tests/sim/rtsp-test-stream.ts';
import { cpuSeconds, summary } from './stats.ts';

const GATEWAY = '34020000002090000001';
const PLATFORM = '34020000002000000001';
const CHANNEL = '34020000001320000001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One platform viewer: a UDP port, the packets that came, and the sequence gaps among them. */
class Viewer {
  readonly socket: Socket = createSocket('udp4');
  packets = 0;
  bytes = 0;
  lost = 0;
  firstAt: number | null = null;
  private last: number | null = null;
  callId = '';
  stop: () => void = () => {};

  async open(): Promise<number> {
    this.socket.on('message', (m) => {
      this.firstAt ??= performance.now();
      this.packets++;
      this.bytes += m.length;
      const seq = m.readUInt16BE(2);
      if (this.last !== null) this.lost += (seq - this.last - 1 + 0x10000) & 0xffff;
      this.last = seq;
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    return this.socket.address().port;
  }
}

async function watch(platform: GbPlatformSim, ssrc: number): Promise<{ viewer: Viewer; invitedAt: number }> {
  const viewer = new Viewer();
  const port = await viewer.open();
  const sdp = [
    'v=0',
    `o=${PLATFORM} 0 0 IN IP4 127.0.0.1`,
    's=Play',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${port} RTP/AVP 96`,
    'a=recvonly',
    'a=rtpmap:96 PS/90000',
    `y=${String(ssrc).padStart(10, '0')}`,
    '',
  ].join('\r\n');
  const invitedAt = performance.now();
  const call = platform.invite(CHANNEL, sdp);
  const ok = await call.final;
  if (!ok.start.includes('200')) throw new Error(`the INVITE was answered ${ok.start}`);
  platform.inDialog('ACK', call.text, ok);
  viewer.callId = call.callId;
  viewer.stop = () => {
    platform.inDialog('BYE', call.text, ok);
    viewer.socket.close();
  };
  return { viewer, invitedAt };
}

async function firstPacket(platform: GbPlatformSim, ssrc: number): Promise<number> {
  const { viewer, invitedAt } = await watch(platform, ssrc);
  await waitFor('the first RTP packet', () => viewer.firstAt !== null, 20_000, 2);
  const ms = viewer.firstAt! - invitedAt;
  viewer.stop();
  return ms;
}

const ffmpegChild = (parent: number) =>
  Number(
    execFileSync('pgrep', ['-P', String(parent), 'ffmpeg'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0],
  );

export async function gb28181Video(seconds: number, viewerCounts = [1, 10, 50]) {
  const t = tempDir('bench-gb');
  const stream = new RtspTestStream(t.dir, '1280x720', 'h264');
  await stream.start();
  const cam = new OnvifCameraSim('admin', 'bench-cam-pass');
  cam.rtspUrl = stream.url;
  await cam.start();
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  const sipPort = await platform.start();
  writeFileSync(join(t.dir, 'gb.pw'), 'bench-secret\n', { mode: 0o600 });
  writeFileSync(join(t.dir, 'cam.pw'), 'bench-cam-pass\n', { mode: 0o600 });
  const consolePort = await freePort();
  const site = await writeSite(t.dir, {
    console: { listen: '127.0.0.1', port: consolePort },
    uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
    video: {
      cameras: [{ id: 'cam-1', host: '127.0.0.1', port: cam.port, username: 'admin', password_file: 'cam.pw' }],
    },
    gb28181: {
      device_id: GATEWAY,
      name: 'bench',
      local_port: await freePort(),
      local_address: '127.0.0.1',
      platforms: [
        {
          id: 'district',
          server_id: PLATFORM,
          domain: '3402000000',
          host: '127.0.0.1',
          port: sipPort,
          password_file: 'gb.pw',
          channels: { 'cam-1': CHANNEL },
        },
      ],
    },
  });
  const ctl = new ControllerProcess(site, consolePort, { env: { LOG_LEVEL: 'warn' } });
  let peer: ChildProcess | null = null;
  try {
    await ctl.start();
    await waitFor('the gateway registered', () => platform.registered, 20_000);
    // The camera is known once its profile has been read: until then an INVITE has nothing to play.
    await waitFor(
      'the camera streaming',
      async () => (await firstPacket(platform, 1).catch(() => null)) !== null,
      60_000,
      500,
    );
    await sleep(1500);

    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      cold.push(await firstPacket(platform, 10 + i));
      // The pull stops with its last viewer; the next call starts it again.
      await sleep(1500);
    }
    const keep = await watch(platform, 99);
    await waitFor('a platform watching', () => keep.viewer.firstAt !== null, 20_000);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await firstPacket(platform, 20 + i));
    keep.viewer.stop();
    await sleep(1500);

    const load: { viewers: number; controllerCpu: number; ffmpegCpu: number; mbps: number; lostPct: number }[] = [];
    for (const n of viewerCounts) {
      const viewers: Viewer[] = [];
      for (let i = 0; i < n; i++) viewers.push((await watch(platform, 1000 + i)).viewer);
      await waitFor('every viewer receiving', () => viewers.every((v) => v.firstAt !== null), 30_000, 50);
      await sleep(1000);
      const ff = ffmpegChild(ctl.pid!);
      const c0 = cpuSeconds(ctl.pid!);
      const f0 = cpuSeconds(ff);
      for (const v of viewers) {
        v.packets = 0;
        v.bytes = 0;
        v.lost = 0;
      }
      await sleep(seconds * 1000);
      const packets = viewers.reduce((a, v) => a + v.packets, 0);
      const lost = viewers.reduce((a, v) => a + v.lost, 0);
      load.push({
        viewers: n,
        controllerCpu: (cpuSeconds(ctl.pid!) - c0) / seconds,
        ffmpegCpu: (cpuSeconds(ff) - f0) / seconds,
        mbps: (viewers.reduce((a, v) => a + v.bytes, 0) * 8) / seconds / 1e6 / n,
        lostPct: (lost / Math.max(1, packets + lost)) * 100,
      });
      for (const v of viewers) v.stop();
      await sleep(2000);
    }

    // The floor: ffmpeg alone, copying the same camera to RTP as MPEG-TS.
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    peer = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-rtsp_transport',
        'tcp',
        '-i',
        stream.url,
        '-map',
        '0:v:0',
        '-c',
        'copy',
        '-f',
        'rtp_mpegts',
        `rtp://127.0.0.1:${sink.address().port}`,
      ],
      { stdio: 'ignore' },
    );
    await sleep(3000);
    const p0 = cpuSeconds(peer.pid!);
    await sleep(seconds * 1000);
    const peerCpu = (cpuSeconds(peer.pid!) - p0) / seconds;
    sink.close();
    return { cold: summary(cold), warm: summary(warm), load, peerCpu };
  } finally {
    peer?.kill('SIGKILL');
    await ctl.kill('SIGTERM');
    platform.stop();
    await cam.stop();
    await stream.stop();
    t.remove();
  }
}
