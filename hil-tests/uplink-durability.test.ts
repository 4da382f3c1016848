import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { databaseFile } from '../controller/runtime.ts';
import { loadSite } from '../controller/config/load-site.ts';
import { contractProblems } from '../controller/uplink/contract.ts';
import { ControllerProcess } from './lib/controller-process.ts';
import { committedRecords, compareDelivery } from './lib/delivery-check.ts';
import { startCo2Gateway } from './lib/load-sims.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every payload the gateway published conforms to the contract (cmd/ is the NOC's own traffic). */
function assertContract(noc: NocSubscriber): number {
  for (const m of noc.messages) {
    const sub = m.topic.slice(topicRoot.length + 1);
    if (sub.startsWith('cmd/')) continue;
    assert.deepEqual(contractProblems(sub, m.payload), [], `${m.topic}: ${JSON.stringify(m.payload).slice(0, 300)}`);
  }
  return noc.messages.length;
}

describe('store and forward to a real Mosquitto', () => {
  const t = tempDir('uplink');
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

  test('a broker outage while events flow: every committed record arrives once after de-duplication, in order', async () => {
    const dir = join(t.dir, 'outage');
    const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-outage');
    const c = await startController(
      await writeSite(dir, {
        uplink: { url: broker.url, reconnect_s: 0.3, keepalive_s: 5 },
        buses: [gw.bus],
        devices: gw.devices(0.05),
      }),
    );
    try {
      await waitFor('records to flow', () => noc.envelopes('/telemetry').length >= 100, 15_000);
      await broker.stop();
      await sleep(2500);
      const backlogDuringOutage = c.pipeline.log.backlog().reduce((n, l) => n + l.count, 0);
      await broker.start();
      await sleep(1500);
      for (const d of c.drivers) await d.stop(); // stop producing, then drain
      await waitFor('the backlog to drain', () => c.pipeline.log.backlog().every((l) => l.count === 0), 30_000);
      const committed = committedRecords(databaseFile(c.site));
      await waitFor(
        'the NOC to receive every record',
        () => compareDelivery(committed, noc.envelopes()).missing.length === 0,
        20_000,
      );
      const report = compareDelivery(committed, noc.envelopes());
      console.log(
        `# outage: backlog at peak ${backlogDuringOutage}, ${JSON.stringify({ ...report, missing: report.missing.length })}, reconnects ${c.uplink.status.reconnects}`,
      );
      assert.ok(backlogDuringOutage > 50, 'records were buffered during the outage');
      assert.equal(report.delivered, report.committed);
      assert.equal(report.outOfOrder, 0);
      assert.equal(report.gaps, 0);
      assert.ok(assertContract(noc) > report.committed);
    } finally {
      await c.stop();
      await noc.close();
    }
  });

  test('kill -9 mid-stream loses nothing that was committed, and the sequence carries on', async () => {
    const dir = join(t.dir, 'kill');
    const siteFile = await writeSite(dir, {
      uplink: { url: broker.url, reconnect_s: 0.3, keepalive_s: 5 },
      buses: [gw.bus],
      devices: gw.devices(0.05),
    });
    const site = loadSite(siteFile);
    const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-kill');
    const proc = new ControllerProcess(siteFile, site.config.console.port);
    try {
      await proc.start();
      await waitFor('records to flow', () => noc.envelopes('/telemetry').length >= 150, 15_000);
      await proc.kill('SIGKILL');
      const receivedBefore = noc.envelopes();
      const committed = committedRecords(databaseFile(site));
      const ids = new Set(committed.map((r) => r.id));
      assert.deepEqual(
        receivedBefore.filter((e) => !ids.has(e.id)).map((e) => e.seq),
        [],
        'nothing is published before it is committed',
      );
      assert.equal(compareDelivery(committed, []).gaps, 0, 'committed sequence numbers have no gaps');
      // The broker publishes the last will at once: the socket closed without a DISCONNECT.
      await waitFor(
        'the last will',
        () =>
          noc.messages.some((m) => m.topic.endsWith('/state') && (m.payload as { online: boolean }).online === false),
        10_000,
      );

      await proc.start();
      await waitFor(
        'every committed record to arrive after the restart',
        () => compareDelivery(committed, noc.envelopes()).missing.length === 0,
        30_000,
      );
      const maxBefore = committed[committed.length - 1]!.seq;
      await waitFor('new records after the restart', () => noc.envelopes().some((e) => e.seq > maxBefore), 10_000);
      const report = compareDelivery(committed, noc.envelopes());
      console.log(
        `# kill -9 mid-stream: ${JSON.stringify({ ...report, missing: report.missing.length })}, received before the kill ${receivedBefore.length}`,
      );
      assert.equal(report.delivered, committed.length);
      const reused = noc.envelopes().filter((e) => e.seq <= maxBefore && !ids.has(e.id));
      assert.deepEqual(reused, [], 'no sequence number is reused after the restart');

      // Kill it again while the broker is down, so that committed records are certainly undelivered.
      await broker.stop();
      await sleep(1500);
      await proc.kill('SIGKILL');
      const stranded = committedRecords(databaseFile(site));
      const undelivered = stranded.filter((r) => !noc.envelopes().some((e) => e.id === r.id)).length;
      await broker.start();
      await proc.start();
      await waitFor(
        'the stranded backlog to arrive',
        () => compareDelivery(stranded, noc.envelopes()).missing.length === 0,
        30_000,
      );
      const second = compareDelivery(stranded, noc.envelopes());
      console.log(
        `# kill -9 during an outage: ${undelivered} undelivered at the kill, ${JSON.stringify({ ...second, missing: second.missing.length })}`,
      );
      assert.ok(undelivered > 20, 'records were waiting in the outbox at the kill');
      assert.equal(second.delivered, stranded.length);
      assert.equal(second.gaps, 0);
      assertContract(noc);
    } finally {
      await proc.kill('SIGTERM');
      await noc.close();
    }
  });

  test('downlink commands over MQTT 5: status query, alarm acknowledgement, and clear rejections', async () => {
    const dir = join(t.dir, 'downlink');
    const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-cmd');
    // This gateway speaks MQTT 5 to Mosquitto; the others 3.1.1.
    const c = await startController(
      await writeSite(dir, { uplink: { url: broker.url, reconnect_s: 0.3, protocol_version: 5 } }),
    );
    const result = (requestId: string) => noc.envelopes('/cmd-result').find((e) => e.data.requestId === requestId);
    try {
      await waitFor('the birth message', () =>
        noc.messages.some((m) => m.topic === `${topicRoot}/state` && (m.payload as { online: boolean }).online),
      );
      await noc.publish(`${topicRoot}/cmd/status`, { id: 'q-1' });
      const status = await waitFor('the status answer', () => result('q-1'));
      assert.equal(status.data.ok, true);
      assert.equal((status.data.result as { gateway: string }).gateway, 'gw-test');

      await noc.publish(`${topicRoot}/cmd/config`, { id: 'cfg-1' });
      const cfg = (await waitFor('the config answer', () => result('cfg-1'))).data.result as {
        hash: string;
        config: { gateway: { id: string } };
      };
      assert.equal(cfg.config.gateway.id, 'gw-test');
      assert.match(cfg.hash, /^[0-9a-f]{16}$/);

      const alarm = c.alarms.raise({
        key: 'x',
        type: 'test.alarm',
        source: 'test',
        severity: 'major',
        message: 'test',
      });
      await noc.publish(`${topicRoot}/cmd/alarm.ack`, { id: 'ack-1', args: { alarmId: alarm.id } });
      assert.equal((await waitFor('the ack answer', () => result('ack-1'))).data.ok, true);
      await waitFor('the acknowledged alarm event', () =>
        noc
          .envelopes('/alarms')
          .some(
            (e) => e.type === 'alarm.acknowledged' && (e.data.alarm as { ackedBy: string }).ackedBy === 'district:noc',
          ),
      );

      await noc.publish(`${topicRoot}/cmd/alarm.ack`, 'not json at all');
      await noc.publish(`${topicRoot}/cmd/reboot`, { id: 'r-1' });
      await noc.publish(`${topicRoot}/cmd/alarm.ack`, { id: 'bad-args', args: { alarm: 1 } });
      assert.match(
        (await waitFor('the unknown-command answer', () => result('r-1'))).data.error as string,
        /unknown command "reboot"/,
      );
      assert.match(
        (await waitFor('the bad-args answer', () => result('bad-args'))).data.error as string,
        /invalid arguments/,
      );
      await waitFor('the rejection of garbage', () =>
        noc.envelopes('/cmd-result').some((e) => e.type === 'command.rejected'),
      );
      const audited = (c.commands.recentAudit(10) as { command: string; actor_kind: string }[]).filter(
        (a) => a.actor_kind === 'district',
      );
      assert.deepEqual(audited.map((a) => a.command).sort(), ['alarm.ack', 'alarm.ack', 'config', 'reboot', 'status']);
      assertContract(noc);
    } finally {
      await c.stop();
      await noc.close();
    }
  });
});
