/**
 * The largest cardholder import the console takes, sent by an admin over HTTP while cards are
 * read at a gate and /api/health is probed: the worst health latency and the worst card-to-relay
 * latency during the import, beside the same figures with no import running.
 */
import { performance } from 'node:perf_hooks';
import { MAX_IMPORT_ROWS } from '../controller/core/access/cardholder-csv.ts';
import { startController, tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { TcpSlaveSim } from '../hil-tests/sim/modbus-transports.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { TurnstileSim } from '../hil-tests/sim/turnstile-sim.ts';
import { summary } from './stats.ts';

export interface Phase { health: ReturnType<typeof summary>; card: ReturnType<typeof summary>; seconds: number }

export async function importUnderLoad(rows = MAX_IMPORT_ROWS, siteExtra: Record<string, unknown> = {}) {
  const t = tempDir('bench-import');
  const turnstile = new TurnstileSim();
  turnstile.autoPass = false;
  const sim = new TcpSlaveSim(new Map<number, ModbusUnit>([[100, turnstile.unit]]));
  const port = await sim.listen(0);
  const c = await startController(await writeSite(t.dir, {
    uplink: { url: 'mqtt://127.0.0.1:1' },
    buses: [{ id: 'lan', type: 'modbus-tcp', host: '127.0.0.1', port }],
    access: { gates: [{ id: 'g', bus: 'lan', address: 100, pulse_ms: 200, poll_ms: 100 }], readers: [{ id: 'r', type: 'wiegand-serial', port: '/dev/null-bench', gate: 'g', direction: 'in' }] },
    ...siteExtra,
  }));
  c.allowlist.apply({
    version: 1, full: true, groups: [{ id: 'all', name: 'all' }],
    schedules: [{ id: 'always', name: 'always', onHolidays: true, intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] }],
    rules: [{ gateId: 'g', groupId: 'all', scheduleId: 'always' }],
    cardholders: Array.from({ length: 2000 }, (_, i) => ({ id: `p${i}`, name: `p${i}`, kind: 'student' as const, class: null, card: String(100_000 + i), validFrom: null, validTo: null, enabled: true, groups: ['all'] })),
  });
  await c.users.add('bench-admin', 'admin', 'bench-admin-password-1');
  const base = `http://127.0.0.1:${c.site.config.console.port}`;
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password: 'bench-admin-password-1' }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = await login.json() as { csrf: string };
  const csv = `id,name,kind,class,card,groups\n${Array.from({ length: rows }, (_, i) => `n${i},新生${i},student,初一(${i % 24}),${9_000_000 + i},all`).join('\n')}\n`;

  let coilAt = 0;
  const onCoil = turnstile.unit.onCoil!;
  turnstile.unit.onCoil = (addr, on) => { if (on) coilAt = performance.now(); onCoil(addr, on); };
  const measure = async (during: () => Promise<unknown>): Promise<Phase> => {
    const health: number[] = [];
    const card: number[] = [];
    let running = true;
    const started = performance.now();
    const probe = (async () => {
      while (running) {
        const at = performance.now();
        await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
        health.push(performance.now() - at);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const reads = (async () => {
      for (let i = 0; running; i++) {
        coilAt = 0;
        const at = performance.now();
        c.access.onCard({ readerId: 'r', card: String(100_000 + (i % 2000)), bits: '', format: 'w26', at });
        while (coilAt === 0) await new Promise((r) => setImmediate(r));
        card.push(coilAt - at);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await during();
    running = false;
    await Promise.all([probe, reads]);
    return { health: summary(health), card: summary(card), seconds: (performance.now() - started) / 1000 };
  };
  const idle = await measure(() => new Promise((r) => setTimeout(r, 3000)));
  let status = 0;
  const importing = await measure(async () => {
    const res = await fetch(`${base}/api/cardholders/import`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'text/csv' }, body: csv });
    status = res.status;
    await res.arrayBuffer();
  });
  const imported = c.allowlist.size - 2000;
  await c.stop();
  await sim.close();
  t.remove();
  if (status !== 200) throw new Error(`the import answered ${status}`);
  return { rows, bytes: Buffer.byteLength(csv), imported, idle, importing };
}
