/**
 * kill -9 at random moments under load, again and again: every record committed before any of
 * the kills reaches the NOC, sequence numbers have no gaps and are never reused, and the
 * controller comes back each time. Records produced but not yet committed at a kill are the
 * only ones allowed to vanish; the figures say how many there were.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadSite } from '../controller/config/load-site.ts';
import { databaseFile } from '../controller/runtime.ts';
import { ControllerProcess } from './lib/controller-process.ts';
import { committedRecords, compareDelivery } from './lib/delivery-check.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';

const KILLS = Number(process.env.FAULT_KILLS ?? 6);
const t = tempDir('random-kills');
const broker = new Mosquitto(join(t.dir, 'broker'));
let gw: Awaited<ReturnType<typeof startCo2Gateway>>;

before(async () => {
  await broker.start();
  gw = await startCo2Gateway(8);
});
after(async () => {
  await gw.sim.close();
  await broker.stop();
  t.remove();
});

test(`kill -9 at ${KILLS} random moments under load: nothing committed is lost, no gaps, no reused numbers`, async () => {
  const siteFile = await writeSite(join(t.dir, 'gw'), {
    uplink: { url: broker.url, reconnect_s: 0.3, keepalive_s: 5 },
    buses: [gw.bus],
    devices: gw.devices(0.05),
  });
  const site = loadSite(siteFile);
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-random-kills');
  const proc = new ControllerProcess(siteFile, site.config.console.port);
  const delays: number[] = [];
  const restartMs: number[] = [];
  try {
    for (let k = 0; k < KILLS; k++) {
      const started = performance.now();
      await proc.start();
      restartMs.push(performance.now() - started);
      // Anywhere from just after start-up to well into steady flow.
      const delay = 100 + Math.round(Math.random() * 2400);
      delays.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      await proc.kill('SIGKILL');
      const sofar = committedRecords(databaseFile(site));
      assert.equal(compareDelivery(sofar, []).gaps, 0, `after kill ${k + 1}: the committed sequence has no gaps`);
    }
    const committed = committedRecords(databaseFile(site));
    const polls = gw.sensors.reduce((n, s) => n + s.unit.requests, 0);
    await proc.start();
    await waitFor(
      'every record committed before the last kill to arrive',
      () => compareDelivery(committed, noc.envelopes()).missing.length === 0,
      60_000,
    );
    const report = compareDelivery(committed, noc.envelopes());
    const ids = new Set(committed.map((r) => r.id));
    const maxSeq = committed.at(-1)!.seq;
    await waitFor('new records after the last restart', () => noc.envelopes().some((e) => e.seq > maxSeq), 15_000);
    const reused = noc.envelopes().filter((e) => e.seq <= maxSeq && !ids.has(e.id));
    console.log(
      `# random kills: ${KILLS} kills after ${delays.join(', ')} ms; restart to /api/health p50 ${restartMs.sort((a, b) => a - b)[Math.floor(restartMs.length / 2)]!.toFixed(0)} ms; ` +
        `${polls} sensor polls answered, ${report.committed} records committed, ${report.delivered} delivered, ${report.duplicates} duplicates (removed by id), ` +
        `${report.outOfOrder} out of order, ${report.gaps} gaps, ${reused.length} reused sequence numbers`,
    );
    assert.ok(report.committed > 200, 'the load produced records between the kills');
    assert.equal(report.delivered, report.committed);
    assert.equal(report.gaps, 0);
    assert.deepEqual(reused, []);
  } finally {
    await proc.kill('SIGTERM');
    await noc.close();
  }
});
