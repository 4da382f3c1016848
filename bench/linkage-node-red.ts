/**
 * Linkage rules against the same rules written as a Node-RED flow: one stream of alarms (kinds,
 * devices, places, severities and school times drawn at random, the same seed each run) goes
 * through campus-edge's rule matcher and through Node-RED 4's switch nodes; the rules each alarm
 * set off must be the same in both. Prints how many agreed and each side's rate.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../hil-tests/lib/ports.ts';
import { DEFAULT_RULES } from '../controller/features/linkage/default-rules.ts';
import { type AlarmFacts, type LinkageRule, ruleMatches } from '../controller/features/linkage/rule-match.ts';
import { type Flow, NodeRed } from './node-red-peer.ts';

const RANK = { info: 0, warning: 1, major: 2, critical: 3 } as const;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The site rules of the comparison: devices, places, severities and windows, one across midnight. */
export const BENCH_RULES: LinkageRule[] = [
  ...DEFAULT_RULES,
  {
    id: 'yard-night',
    name: '操场夜间',
    enabled: true,
    when: {
      kind: ['camera.intrusion', 'camera.line-crossing'],
      places: ['操场', '围墙'],
      during: [{ days: [1, 2, 3, 4, 5], from: '18:00', to: '07:00' }],
    },
    steps: [{ do: 'popup' }],
  },
  {
    id: 'gate-cams',
    name: '校门摄像机',
    enabled: true,
    when: { kind: ['camera'], devices: ['cam-gate', 'cam-gate-2'], severity: 'critical' },
    steps: [{ do: 'popup' }],
  },
  {
    id: 'air',
    name: '空气质量',
    enabled: true,
    when: {
      kind: ['environment'],
      severity: 'warning',
      during: [{ days: [1, 2, 3, 4, 5], from: '07:30', to: '17:30' }],
    },
    steps: [{ do: 'notify.district' }],
  },
  {
    id: 'weekend',
    name: '周末一切报警',
    enabled: true,
    when: { kind: ['camera', 'emergency', 'fire', 'gate'], during: [{ days: [6, 7], from: '00:00', to: '23:59' }] },
    steps: [{ do: 'notify.district' }],
  },
];

type BenchAlarm = AlarmFacts & { id: number };

/** A fixed stream: the same alarms every run (a small linear congruential generator). */
export function alarmStream(n: number): BenchAlarm[] {
  let seed = 20261201;
  const next = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const pick = <T>(xs: readonly T[]) => xs[next(xs.length)]!;
  const types = [
    'camera.intrusion',
    'camera.line-crossing',
    'camera.tamper',
    'camera.motion',
    'emergency.button',
    'fire.linkage',
    'environment.co2.high',
    'gate.forced',
    'device.offline',
  ];
  return Array.from({ length: n }, (_, id) => ({
    id,
    type: pick(types),
    source: pick(['cam-gate', 'cam-gate-2', 'cam-yard', 'cam-wall', 'lodge', 'co2-301', 'gate-south']),
    severity: pick(['info', 'warning', 'major', 'critical'] as const),
    place: pick(['操场', '围墙', '校门', '301', null]),
    at: { date: '2026-12-01', weekday: 1 + next(7), minutes: next(1440) },
  }));
}

/**
 * The rules as Node-RED nodes: per rule a chain of switch nodes (kind by regex, devices and
 * places by equality, severity by rank, each window by weekday and minute), ending in a change
 * node that names the rule and an HTTP request back to the bench.
 */
export function rulesFlow(rules: readonly LinkageRule[], collector: string): { flow: Flow; inject: string } {
  const z = 'linkage';
  const flow: Flow = [{ id: z, type: 'tab', label: 'linkage' }];
  let n = 0;
  const id = () => `n${++n}`;
  const sw = (property: string, rs: Record<string, unknown>[], wires: string[]) => {
    const node = {
      id: id(),
      type: 'switch',
      z,
      property,
      propertyType: 'msg',
      rules: rs,
      checkall: 'false',
      repair: false,
      outputs: rs.length,
      wires: rs.map(() => wires),
    };
    flow.push(node);
    return node.id;
  };
  const out = { id: id(), type: 'http request', z, method: 'POST', ret: 'txt', url: collector, wires: [[]] };
  flow.push(out);
  const firsts: string[] = [];
  for (const r of rules.filter((x) => x.enabled)) {
    const named = {
      id: id(),
      type: 'change',
      z,
      rules: [{ t: 'set', p: 'payload.rule', pt: 'msg', to: r.id, tot: 'str' }],
      wires: [[out.id]],
    };
    flow.push(named);
    // Built from the last test back to the first, each wired to the one after it.
    let next = [named.id];
    const w = r.when;
    if (w.during) {
      const paths: string[] = [];
      for (const i of w.during)
        for (const d of i.days) {
          const [from, to] = [minutes(i.from), minutes(i.to)];
          if (from <= to)
            paths.push(
              sw(
                'payload.at.weekday',
                [{ t: 'eq', v: String(d), vt: 'num' }],
                [
                  sw(
                    'payload.at.minutes',
                    [{ t: 'btwn', v: String(from), vt: 'num', v2: String(to - 1), v2t: 'num' }],
                    next,
                  ),
                ],
              ),
            );
          else {
            paths.push(
              sw(
                'payload.at.weekday',
                [{ t: 'eq', v: String(d), vt: 'num' }],
                [sw('payload.at.minutes', [{ t: 'gte', v: String(from), vt: 'num' }], next)],
              ),
            );
            paths.push(
              sw(
                'payload.at.weekday',
                [{ t: 'eq', v: String((d % 7) + 1), vt: 'num' }],
                [sw('payload.at.minutes', [{ t: 'lt', v: String(to), vt: 'num' }], next)],
              ),
            );
          }
        }
      next = paths;
    }
    if (w.severity)
      next = [sw('payload.rank', [{ t: 'gte', v: String(RANK[w.severity as keyof typeof RANK]), vt: 'num' }], next)];
    if (w.places)
      next = [
        sw(
          'payload.place',
          w.places.map((p) => ({ t: 'eq', v: p, vt: 'str' })),
          next,
        ),
      ];
    if (w.devices)
      next = [
        sw(
          'payload.source',
          w.devices.map((d) => ({ t: 'eq', v: d, vt: 'str' })),
          next,
        ),
      ];
    const kinds = w.kind.map((k) => ({ t: 'regex', v: `^${k.replaceAll('.', '\\.')}(\\.|$)`, vt: 'str', case: false }));
    firsts.push(sw('payload.type', kinds, next));
  }
  const inject = {
    id: id(),
    type: 'inject',
    z,
    props: [{ p: 'payload' }],
    repeat: '',
    once: false,
    payload: '{}',
    payloadType: 'json',
    wires: [firsts],
  };
  flow.push(inject);
  return { flow, inject: inject.id };
}

export async function linkageVsNodeRed(n: number) {
  const stream = alarmStream(n);
  const started = performance.now();
  const ours = new Map<number, Set<string>>();
  for (const a of stream) ours.set(a.id, new Set(BENCH_RULES.filter((r) => ruleMatches(r, a)).map((r) => r.id)));
  const oursMs = performance.now() - started;

  const theirs = new Map<number, Set<string>>();
  let received = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const m = JSON.parse(body) as { id: number; rule: string };
      const s = theirs.get(m.id) ?? new Set();
      s.add(m.rule);
      theirs.set(m.id, s);
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'campus-edge-bench-linkage-'));
  const red = new NodeRed(dir);
  try {
    const { flow, inject } = rulesFlow(BENCH_RULES, `http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await red.start(flow);
    const expected = [...ours.values()].reduce((k, s) => k + s.size, 0);
    const t0 = performance.now();
    for (const a of stream) await red.inject(inject, { ...a, rank: RANK[a.severity] });
    await waitFor('Node-RED to report every rule it fired', () => received >= expected, 60_000, 50);
    // Anything more it would fire (a disagreement) comes at once after.
    await new Promise((r) => setTimeout(r, 500));
    const theirsMs = performance.now() - t0;
    let agreed = 0;
    const differ: string[] = [];
    for (const a of stream) {
      const x = [...(ours.get(a.id) ?? [])].sort().join(',');
      const y = [...(theirs.get(a.id) ?? [])].sort().join(',');
      if (x === y) agreed++;
      else if (differ.length < 5)
        differ.push(
          `#${a.id} ${a.type} ${a.source} ${a.severity} ${a.place} d${a.at.weekday} ${a.at.minutes}: ours [${x}] Node-RED [${y}]`,
        );
    }
    return {
      alarms: n,
      agreed,
      differ,
      firings: expected,
      oursPerS: n / (oursMs / 1000),
      theirsPerS: n / (theirsMs / 1000),
      nodes: flow.length,
    };
  } finally {
    await red.stop();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
