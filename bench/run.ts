/** Prints every benchmark's figures, campus-edge beside its peer from the same run. */
import { binaryFor } from '../hil-tests/lib/binaries.ts';
import { binaryStart } from './binary-start.ts';
import { cardToGate } from './card-to-gate.ts';
import { idleRss } from './idle-rss.ts';
import { liveLatency } from './live-latency.ts';
import { liveViewBudget } from './live-view.ts';
import { ingestForward } from './ingest-forward.ts';
import { table } from './stats.ts';

const n = Number(process.env.BENCH_EVENTS ?? 50_000);
const rate = Number(process.env.BENCH_RATE ?? 2000);
console.log(`ingest and forward: SQLite (WAL, synchronous=FULL) -> Mosquitto QoS1 -> subscriber on loopback
throughput: ${n} records as fast as they come; latency (ingest to subscriber): ${rate * 5} records paced at ${rate}/s`);
const results = await ingestForward(n, rate, rate * 5);
console.log(table(results.map(({ throughput: t, paced: p }) => ({
  system: t.name, 'ingest ev/s': Math.round(t.ingestPerS), 'forward ev/s': Math.round(t.forwardPerS),
  [`p50 ms @${rate}/s`]: p.latencyP50Ms, [`p99 ms @${rate}/s`]: p.latencyP99Ms,
}))));
const settle = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const rssSource = await idleRss(settle);
const rssBinary = await idleRss(settle, { command: binaryFor('x64') });
console.log(`\nidle RSS (controller process, console up, ${rssSource.sensors} sensors polled every 2 s):`);
console.log(table([
  { run: 'from source (Node 20 + tsx)', 'RSS MB': rssSource.rssMb },
  { run: 'single binary, linux-x64', 'RSS MB': rssBinary.rssMb },
]));

const start = await binaryStart(Number(process.env.BENCH_STARTS ?? 5));
console.log(`\nsingle binary (Node ${start.node}):`);
console.log(table(start.sizes.map((s) => ({ binary: `linux-${s.arch}`, MB: s.mb, 'MB gzipped': s.gzipMb }))));
console.log(`x64 start-up, spawn to /api/health answering: ${start.firstHealthMs.toFixed(0)} ms on the first start (unpacking), ${start.healthP50Ms.toFixed(0)} ms p50 after; \`version\` ${start.versionP50Ms.toFixed(0)} ms`);

const reads = Number(process.env.BENCH_CARDS ?? 300);
const gate = await cardToGate(reads, 2000);
console.log(`\ncard to gate, ${reads} reads against 5000 cardholders, under load (20 sensors polled every 100 ms on the gate's bus, 2000 telemetry records/s through the uplink):`);
console.log(table([
  { path: 'decision: read to gate command issued', 'p50 ms': gate.decision.p50, 'p99 ms': gate.decision.p99, 'max ms': gate.decision.max },
  { path: 'software path: read to coil write at the relay board', 'p50 ms': gate.endToEnd.p50, 'p99 ms': gate.endToEnd.p99, 'max ms': gate.endToEnd.max },
]));

const live = await liveViewBudget(Number(process.env.BENCH_LIVE_S ?? 10));
console.log('\nlive view, 720p25 from a simulated camera, ffmpeg CPU per stream (one viewer each):');
console.log(table([
  { path: 'remux H.264 to fMP4 (-c copy), 4 streams', 'CPU per stream %': live.remux.perStream * 100, 'streams per core': Math.floor(live.remux.streamsPerCore), 'Mbit/s per stream': live.remux.mbps },
  { path: 'transcode MJPEG to H.264 (fallback), 1 stream', 'CPU per stream %': live.transcode.perStream * 100, 'streams per core': Math.round(live.transcode.streamsPerCore * 10) / 10, 'Mbit/s per stream': live.transcode.mbps },
]));

const latency = await liveLatency(Number(process.env.BENCH_LIVE_S ?? 10));
console.log(`\nlive view latency, camera frame sent to frame presented in Chromium (720p25, ${latency.matched} frames): p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms`);
