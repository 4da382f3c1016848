/** Prints every benchmark's figures, campus-edge beside its peer from the same run. */
import { idleRss } from './idle-rss.ts';
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
const rss = await idleRss(Number(process.env.BENCH_SETTLE_MS ?? 10_000));
console.log(`\nidle RSS: ${rss.rssMb.toFixed(1)} MB (controller process, console up, ${rss.sensors} sensors polled every 2 s)`);
