/**
 * Prints every benchmark's figures, campus-edge beside its peer from the same
 * run, and writes them to bench/RESULTS.md, the one place the docs point to.
 * BENCH_ONLY=rss,gate runs some sections and replaces only theirs.
 */
import { binaryFor } from '../hil-tests/lib/binaries.ts';
import { binaryStart } from './binary-start.ts';
import { cardToGate } from './card-to-gate.ts';
import { backlogDrain } from './backlog-drain.ts';
import { fleet } from './fleet.ts';
import { LARGE_SCHOOL, largeSchoolRss, type RssResult } from './large-school-rss.ts';
import { modbusCycle } from './modbus-cycle.ts';
import { liveLatency } from './live-latency.ts';
import { liveViewBudget } from './live-view.ts';
import { consolePage } from './console-page.ts';
import { gb28181Video } from './gb28181-video.ts';
import { ingestForward } from './ingest-forward.ts';
import { emergencyPress } from './emergency-press.ts';
import { linkageVsNodeRed } from './linkage-node-red.ts';
import { importUnderLoad } from './import-under-load.ts';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeResults } from './results-file.ts';
import { table } from './stats.ts';

/** The run with the median loaded RSS, and the spread of all of them. */
const medianRun = (rs: RssResult[]) => [...rs].sort((a, b) => a.loadedMb - b.loadedMb)[Math.floor(rs.length / 2)]!;
const range = (rs: RssResult[]) =>
  `${Math.min(...rs.map((r) => r.loadedMb)).toFixed(1)}–${Math.max(...rs.map((r) => r.loadedMb)).toFixed(1)}`;

const SECTIONS = [
  'ingest',
  'drain',
  'modbus',
  'rss',
  'start',
  'gate',
  'import',
  'live',
  'latency',
  'console',
  'gb28181',
  'emergency',
  'linkage',
  'fleet',
] as const;
const only = process.env.BENCH_ONLY?.split(',');
const printed = new Map<string, string[]>();
let current = '';
/** Whether this run includes the section; what is printed from here on is filed under it. */
const section = (name: (typeof SECTIONS)[number]) => {
  if (only && !only.includes(name)) return false;
  current = name;
  printed.set(name, []);
  return true;
};
const print = (line: string) => {
  console.log(line);
  printed.get(current)?.push(line);
};

if (section('ingest')) {
  const n = Number(process.env.BENCH_EVENTS ?? 50_000);
  const rate = Number(process.env.BENCH_RATE ?? 2000);
  print(`ingest and forward: SQLite (WAL, synchronous=FULL) -> Mosquitto QoS1 -> subscriber on loopback
throughput: ${n} records as fast as they come; latency (ingest to subscriber): ${rate * 5} records paced at ${rate}/s`);
  const results = await ingestForward(n, rate, rate * 5);
  print(
    table(
      results.map(({ throughput: t, paced: p }) => ({
        system: t.name,
        'ingest ev/s': Number.isNaN(t.ingestPerS) ? 'no store' : Math.round(t.ingestPerS),
        'forward ev/s': Math.round(t.forwardPerS),
        [`p50 ms @${rate}/s`]: p.latencyP50Ms,
        [`p99 ms @${rate}/s`]: p.latencyP99Ms,
      })),
    ),
  );
}

if (section('drain')) {
  const drainN = Number(process.env.BENCH_DRAIN ?? 1_000_000);
  const drain = await backlogDrain(drainN);
  print(
    `\nbacklog drain: ${drainN} undelivered records in the store, the broker comes back (QoS1, window 256, every record marked delivered on PUBACK):`,
  );
  print(
    table(
      drain.map((d) => ({ system: d.name, 'fill s': d.fillS, 'drain s': d.drainS, 'records/s': Math.round(d.perS) })),
    ),
  );
}

if (section('modbus')) {
  const cycleSensors = (process.env.BENCH_CYCLE_SENSORS ?? '8,32,64').split(',').map(Number);
  const cycle = await modbusCycle(cycleSensors, Number(process.env.BENCH_CYCLE_MS ?? 10_000));
  print(
    '\nModbus poll cycle: N sensors behind one Modbus TCP gateway, each to be read every 50 ms, decoded and forwarded to Mosquitto:',
  );
  print(
    table(
      cycle.map((c) => ({
        system: c.name,
        sensors: c.sensors,
        'reads/s': Math.round(c.readsPerS),
        'cycle p50 ms': c.cycleP50Ms,
        'cycle p99 ms': c.cycleP99Ms,
        'CPU %': c.cpuPercent,
      })),
    ),
  );
}

if (section('rss')) {
  const settle = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
  const load = Number(process.env.BENCH_LOAD_MS ?? 20_000);
  // One run's RSS moves by 10 MB and more with where the garbage collector happens to be, so the
  // binary (and the baseline, taking turns with it) runs several times and the median is shown.
  const runs = Number(process.env.BENCH_RSS_RUNS ?? 3);
  const baseline = process.env.BENCH_BASELINE_BINARY;
  const current: RssResult[] = [];
  const before: RssResult[] = [];
  for (let i = 0; i < runs; i++) {
    current.push(await largeSchoolRss(settle, load, { command: binaryFor('x64'), env: { MALLOC_ARENA_MAX: '2' } }));
    if (baseline)
      before.push(await largeSchoolRss(settle, load, { command: [baseline], env: { MALLOC_ARENA_MAX: '2' } }));
  }
  const binaryRss = medianRun(current);
  const baselineRss = baseline ? medianRun(before) : null;
  const jitlessRss = await largeSchoolRss(settle, load, {
    command: binaryFor('x64'),
    env: { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--jitless' },
  });
  const sourceRss = await largeSchoolRss(settle, load);
  const { cameras, readers, gates, sensors } = LARGE_SCHOOL;
  print(
    `\nRSS, large school (${cameras} cameras, ${readers} OSDP readers, ${gates} turnstiles, ${sensors} sensors, all simulated; loaded: a card every 100 ms, a camera event every 100 ms, 5000 cardholders):`,
  );
  print(
    table([
      {
        run: `single binary, linux-x64, as the systemd unit runs it (median of ${runs})`,
        'idle MB': binaryRss.idleMb,
        'loaded MB': binaryRss.loadedMb,
        'loaded range': range(current),
      },
      {
        run: 'single binary with NODE_OPTIONS=--jitless',
        'idle MB': jitlessRss.idleMb,
        'loaded MB': jitlessRss.loadedMb,
        'loaded range': '',
      },
      {
        run: 'from source (Node 20 + tsx)',
        'idle MB': sourceRss.idleMb,
        'loaded MB': sourceRss.loadedMb,
        'loaded range': '',
      },
      ...(baselineRss
        ? [
            {
              run: `single binary, baseline ${process.env.BENCH_BASELINE_LABEL ?? baseline} (median of ${runs})`,
              'idle MB': baselineRss.idleMb,
              'loaded MB': baselineRss.loadedMb,
              'loaded range': range(before),
            },
          ]
        : []),
    ]),
  );
}

if (section('start')) {
  const start = await binaryStart(Number(process.env.BENCH_STARTS ?? 5));
  print(`\nsingle binary (Node ${start.node}):`);
  print(table(start.sizes.map((s) => ({ binary: `linux-${s.arch}`, MB: s.mb, 'MB gzipped': s.gzipMb }))));
  print(
    `x64 start-up, spawn to /api/health answering: ${start.firstHealthMs.toFixed(0)} ms on the first start (unpacking), ${start.healthP50Ms.toFixed(0)} ms p50 after; \`version\` ${start.versionP50Ms.toFixed(0)} ms`,
  );
}

if (section('gate')) {
  const reads = Number(process.env.BENCH_CARDS ?? 300);
  print(
    `\ncard to gate, ${reads} reads against 5000 cardholders, under load (20 sensors polled every 100 ms on the gate's bus, 2000 telemetry records/s through the uplink), pupils' data sealed at rest and not:`,
  );
  const gateRows = [];
  for (const sealed of [true, false]) {
    const gate = await cardToGate(reads, 2000, sealed);
    const how = sealed ? 'sealed' : 'not sealed';
    gateRows.push(
      {
        path: `decision: read to gate command issued (${how})`,
        'p50 ms': gate.decision.p50,
        'p99 ms': gate.decision.p99,
        'max ms': gate.decision.max,
      },
      {
        path: `software path: read to coil write at the relay board (${how})`,
        'p50 ms': gate.endToEnd.p50,
        'p99 ms': gate.endToEnd.p99,
        'max ms': gate.endToEnd.max,
      },
    );
  }
  print(table(gateRows));
}

if (section('import')) {
  const imp = await importUnderLoad();
  print(
    `\nthe largest cardholder import (${imp.rows} rows, ${(imp.bytes / 1e6).toFixed(1)} MB CSV, by an admin over HTTP) while cards are read every 50 ms and /api/health is probed every 10 ms:`,
  );
  print(
    table([
      {
        phase: 'no import',
        s: imp.idle.seconds,
        'health p99 ms': imp.idle.health.p99,
        'health max ms': imp.idle.health.max,
        'card-to-relay p99 ms': imp.idle.card.p99,
        'card-to-relay max ms': imp.idle.card.max,
      },
      {
        phase: `import (${imp.imported} stored)`,
        s: imp.importing.seconds,
        'health p99 ms': imp.importing.health.p99,
        'health max ms': imp.importing.health.max,
        'card-to-relay p99 ms': imp.importing.card.p99,
        'card-to-relay max ms': imp.importing.card.max,
      },
    ]),
  );
}

if (section('live')) {
  const live = await liveViewBudget(Number(process.env.BENCH_LIVE_S ?? 10));
  print('\nlive view, 25 fps from a simulated camera, ffmpeg CPU per stream (one viewer each):');
  const row = (path: string, r: typeof live.remux, decimals = 1) => ({
    path,
    'CPU per stream %': r.perStream * 100,
    'streams per core': Math.floor(r.streamsPerCore * 10 ** decimals) / 10 ** decimals,
    'Mbit/s per stream': r.mbps,
  });
  print(
    table([
      row('remux H.264 720p to fMP4 (-c copy), 4 streams', live.remux, 0),
      row('transcode MJPEG 720p to H.264 (fallback), 1 stream', live.transcode),
      row('transcode H.265 720p to H.264, 1 stream', live.h265At720p),
      row('transcode H.265 1080p to H.264, 1 stream', live.h265At1080p),
    ]),
  );
  print(
    `a ${cpus().length}-core gateway transcodes one camera at a time (MAX_TRANSCODERS); at these figures H.265 1080p takes ${(live.h265At1080p.perStream * 100).toFixed(0)} % of a core, so ${Math.floor(cpus().length * live.h265At1080p.streamsPerCore)} would fill every core and leave nothing for the controller`,
  );
}

if (section('latency')) {
  const latency = await liveLatency(Number(process.env.BENCH_LIVE_S ?? 10));
  print(
    `\nlive view latency, camera frame sent to frame presented in Chromium (720p25, ${latency.matched} frames): p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms`,
  );
}

if (section('gb28181')) {
  const seconds = Number(process.env.BENCH_LIVE_S ?? 10);
  const gb = await gb28181Video(seconds);
  print(
    `\nGB/T 28181 live video, H.264 720p25 camera, the controller in its own process, platforms on loopback (UDP):
INVITE to first RTP packet, 5 calls each: cold (the camera's pull starts) p50 ${gb.cold.p50.toFixed(0)} ms, max ${gb.cold.max.toFixed(0)} ms; warm (another platform watching) p50 ${gb.warm.p50.toFixed(0)} ms, max ${gb.warm.max.toFixed(0)} ms (both wait for the next keyframe, every 1 s here)`,
  );
  print(
    table(
      gb.load.map((l) => ({
        'platform viewers of one camera': l.viewers,
        'controller CPU %': Math.round(l.controllerCpu * 1000) / 10,
        'controller CPU % per viewer': Math.round((l.controllerCpu / l.viewers) * 1000) / 10,
        'ffmpeg pull CPU %': Math.round(l.ffmpegCpu * 1000) / 10,
        'Mbit/s per viewer': Math.round(l.mbps * 100) / 100,
        'packets lost %': Math.round(l.lostPct * 100) / 100,
      })),
    ),
  );
  const last = gb.load.at(-1)!;
  print(
    `peer, ffmpeg alone copying the same camera to RTP/MPEG-TS (one viewer, no GB/T 28181 PS): ${(gb.peerCpu * 100).toFixed(1)} % CPU; at ${last.viewers} viewers the controller spends ${((last.controllerCpu / last.viewers) * 100).toFixed(2)} % of a core per viewer, so one core would carry about ${Math.floor(last.viewers / last.controllerCpu)} viewers before the rest of the controller is counted`,
  );
}

if (section('emergency')) {
  const presses = Number(process.env.BENCH_PRESSES ?? 5);
  const e = await emergencyPress(presses);
  print(
    `\nemergency press (一键报警), ${presses} presses on a camera's input, the controller in this process, everything on loopback; the rules allow 2000 ms:`,
  );
  print(
    table(
      [
        ['press to the alarm at the district (Mosquitto, NOC subscriber)', e.toDistrict],
        ["press to the pop-up on a guard's console (Chromium)", e.toPopup],
        ['press to the first audio at the alarm centre (baresip)', e.toAudio],
      ].map(([what, s]) => {
        const x = s as typeof e.toDistrict;
        return { figure: what as string, 'p50 ms': x.p50, 'max ms': x.max, 'within 2 s': x.max <= 2000 ? 'yes' : 'NO' };
      }),
    ),
  );
  print(
    `ten buttons pressed at once: ${e.ten.arrived} of 10 alarms at the district, the last ${e.ten.lastMs} ms after the presses, ${e.ten.inOrder ? 'in order' : 'OUT OF ORDER'} (seq ${e.ten.seqs[0]}–${e.ten.seqs.at(-1)}), ${e.ten.open} open on the console`,
  );
}

if (section('linkage')) {
  const n = Number(process.env.BENCH_ALARMS ?? 2000);
  const l = await linkageVsNodeRed(n);
  print(
    `\nlinkage rules (联动): the shipped rules and four site rules (devices, places, severities, a window across midnight), and the same rules as a Node-RED 4 flow of ${l.nodes} nodes, on one stream of ${n} alarms:`,
  );
  print(
    table([
      { figure: 'alarms whose fired rules agree', value: `${l.agreed} of ${l.alarms}` },
      { figure: 'rules fired, in all', value: l.firings },
      { figure: "campus-edge's matcher, alarms/s", value: Math.round(l.oursPerS) },
      { figure: 'Node-RED, alarms/s (fed one by one through its inject API)', value: Math.round(l.theirsPerS) },
    ]),
  );
  for (const d of l.differ) print(`differs: ${d}`);
}

if (section('console')) {
  const runs = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
  const pages = await consolePage(runs);
  print(`\nconsole in Chromium, median of ${runs} fresh browsers (bytes as sent, compressed; first contentful paint):`);
  print(
    table(
      pages.map((p) => ({
        viewport: p.viewport,
        'login page KB': p.loginKb,
        'login + dashboard KB, warm': p.dashboardKb,
        'first paint cold ms': p.fcpColdMs,
        'first paint warm ms': p.fcpWarmMs,
      })),
    ),
  );
}

if (section('fleet')) {
  const gateways = Number(process.env.BENCH_FLEET ?? 200);
  const perGateway = Number(process.env.BENCH_FLEET_RATE ?? 10);
  const f = await fleet(gateways, 50, Number(process.env.BENCH_FLEET_S ?? 60), 10, perGateway);
  print(
    `\nfleet: ${f.gateways} gateways (${f.processes} processes) on one Mosquitto, each with its own login and ACL-confined topic tree; ` +
      `${perGateway} telemetry records/s each; every 10 s all of them raise a fire alarm at once; the NOC is two consumers on one shared subscription:`,
  );
  print(
    table([
      { figure: 'all gateways connected after (s)', value: f.connectS },
      { figure: 'alarms raised / received at the NOC', value: `${f.alarms.raised} / ${f.alarms.received}` },
      {
        figure: 'alarm latency p50 / p99 / max (ms)',
        value: `${f.alarms.p50Ms} / ${f.alarms.p99Ms} / ${f.alarms.maxMs}`,
      },
      {
        figure: 'records committed / acknowledged / at the NOC',
        value: `${f.records.committed} / ${f.records.delivered} / ${f.records.atNoc}`,
      },
      { figure: 'duplicates at the NOC', value: f.records.duplicates },
      { figure: 'records/s at the NOC', value: Math.round(f.records.perS) },
      { figure: 'split between the two consumers', value: f.consumers.join(' / ') },
      { figure: 'Mosquitto CPU %', value: f.brokerCpuPercent },
      { figure: "a gateway publishing into another's tree was dropped", value: f.refusedForeignPublish ? 'yes' : 'NO' },
    ]),
  );
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const stamp = `commit ${commit}, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}`;
writeResults(new URL('./RESULTS.md', import.meta.url), SECTIONS, printed, stamp);
console.log(`\nwrote ${[...printed.keys()].join(', ')} to bench/RESULTS.md`);
