/**
 * The largest cardholder import the console takes, sent by an admin over HTTP while cards are
 * read at a gate and /api/health is probed: the worst health latency and the worst card-to-relay
 * latency during the import, beside the same figures with no import running.
 */
import { performance } from 'node:perf_hooks';
import { MAX_IMPORT_ROWS } from '../controller/features/access/cardholder-csv.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { startGateRig } from './gate-rig.ts';
import { summary } from './stats.ts';

export interface Phase {
  health: ReturnType<typeof summary>;
  card: ReturnType<typeof summary>;
  seconds: number;
}

const HOLDERS = 2000;

export async function importUnderLoad(rows = MAX_IMPORT_ROWS) {
  const t = tempDir('bench-import');
  const rig = await startGateRig(t.dir, HOLDERS, { uplink: { url: 'mqtt://127.0.0.1:1' } });
  const { c } = rig;
  await c.users.add('bench-admin', 'admin', 'bench-admin-password-1');
  const base = `http://127.0.0.1:${c.site.config.console.port}`;
  const login = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-admin', password: 'bench-admin-password-1' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = (await login.json()) as { csrf: string };
  const csv = `id,name,kind,class,card,groups\n${Array.from({ length: rows }, (_, i) => `n${i},新生${i},student,初一(${i % 24}),${9_000_000 + i},all`).join('\n')}\n`;

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
        card.push(await rig.readCard(i));
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
    const res = await fetch(`${base}/api/cardholders/import`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'text/csv' },
      body: csv,
    });
    status = res.status;
    await res.arrayBuffer();
  });
  const imported = c.allowlist.size - HOLDERS;
  await rig.stop();
  t.remove();
  if (status !== 200) throw new Error(`the import answered ${status}`);
  return { rows, bytes: Buffer.byteLength(csv), imported, idle, importing };
}
