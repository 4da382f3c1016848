/** Lockdown, evacuation and all-clear across simulated gates, PA zones and class boards, with the timeline report. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScenarioReport } from '../controller/features/scenarios/scenario-service.ts';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser } from './lib/browser.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { BoardClientSim } from './sim/board-client-sim.ts';
import { TcpSlaveSim } from './sim/modbus-transports.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';
import { TurnstileSim } from './sim/turnstile-sim.ts';

describe('campus emergency scenarios', () => {
  const t = tempDir('scenario');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const gates = [new TurnstileSim(), new TurnstileSim()];
  const relays = new TcpSlaveSim(
    new Map([
      [1, gates[0]!.unit],
      [2, gates[1]!.unit],
    ]),
  );
  const speakers = [new PaEndpointSim(), new PaEndpointSim()];
  let boards: BoardClientSim[];
  let c: Controller;
  let noc: NocSubscriber;

  before(async () => {
    await broker.start();
    const port = await relays.listen(0);
    for (const s of speakers) await s.start();
    noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-scenario');
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: broker.url, reconnect_s: 0.3 },
        buses: [{ id: 'relays', type: 'modbus-tcp', host: '127.0.0.1', port }],
        access: {
          gates: [
            { id: 'south', bus: 'relays', address: 1, poll_ms: 100 },
            { id: 'north', bus: 'relays', address: 2, poll_ms: 100 },
          ],
        },
        pa: { zones: speakers.map((s, i) => ({ id: `zone-${i}`, name: `zone ${i}`, address: `127.0.0.1:${s.port}` })) },
        boards: [
          { id: 'b-1', name: '初一(1)班', class: '初一(1)班', assembly_point: '操场东侧' },
          { id: 'b-2', name: '初一(2)班', class: '初一(2)班' },
        ],
      }),
    );
    boards = await Promise.all(
      ['b-1', 'b-2'].map((id) =>
        new BoardClientSim(`http://127.0.0.1:${c.site.config.console.port}`, id, c.boards.key(id)).connect(),
      ),
    );
    await waitFor(
      'gates online',
      () => ['south', 'north'].every((g) => c.health.list().find((d) => d.id === g)?.health === 'online'),
      10_000,
    );
  });
  after(async () => {
    c?.pa.stop();
    for (const b of boards ?? []) await b.close();
    await c?.stop();
    await noc?.close();
    for (const s of speakers) s.stop();
    await relays.close();
    await broker.stop();
    t.remove();
  });

  test('a lockdown drill reaches every gate, PA zone and board within 2 s, and is reported as a drill', async () => {
    const t0 = Date.now();
    const r = await c.commands.execute(
      { name: 'scenario.start', args: { kind: 'lockdown', drill: true } },
      { kind: 'district', name: 'noc' },
    );
    assert.equal(r.ok, true, r.error);
    await waitFor(
      'every board in lockdown',
      () => boards.every((b) => b.state?.takeover?.kind === 'lockdown'),
      2000,
      20,
    );
    await waitFor('audio at every speaker', () => speakers.every((s) => s.packets.some((p) => p.at >= t0)), 2000, 20);
    assert.ok(Date.now() - t0 < 2000, `reached everything in ${Date.now() - t0} ms`);
    assert.ok(boards.every((b) => b.state!.takeover.drill === true));
    assert.deepEqual(
      c.access.gateStates().map((g) => g.mode),
      ['locked', 'locked'],
    );
    const report = r.result as ScenarioReport;
    assert.deepEqual(report.timeline.map((e) => `${e.step}:${e.target}:${e.ok}`).sort(), [
      'boards:all:true',
      'gate:north:true',
      'gate:south:true',
      'pa:all:true',
    ]);
    assert.ok(report.timeline.every((e) => e.confirmedAt! - e.commandedAt < 2000));
    await waitFor('the report at the NOC', () =>
      noc.envelopes('/events/scenario').some((e) => e.type === 'scenario.report' && e.data.drill === true),
    );
  });

  test('evacuation frees the gates and shows the assembly point; all-clear restores everything', async () => {
    await c.commands.execute(
      { name: 'scenario.start', args: { kind: 'evacuation' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    await waitFor('gates free', () => gates.every((g) => g.isOpen('in') && g.isOpen('out')), 2000, 20);
    assert.equal(boards[0]!.state!.takeover.kind, 'evacuation');
    assert.equal(boards[0]!.state!.board.assemblyPoint, '操场东侧');
    const done = await c.commands.execute(
      { name: 'scenario.start', args: { kind: 'all-clear' } },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(done.ok, true);
    await waitFor('gates back to normal', () => gates.every((g) => !g.isOpen('in') && !g.isOpen('out')), 3000, 20);
    await waitFor('boards back', () => boards.every((b) => b.state!.takeover === null), 2000, 20);
    assert.deepEqual(
      c.access.gateStates().map((g) => g.mode),
      ['normal', 'normal'],
    );
    assert.equal(c.pa.playing, null, 'the evacuation message stopped');
    const audit = (c.commands.recentAudit(10) as { command: string; actor: string }[]).filter(
      (a) => a.command === 'scenario.start',
    );
    assert.equal(audit.length, 3);
  });

  test('from the console: drill or real is chosen, never preset; a drill runs at once, a real one asks and names what it does; every page shows it', async () => {
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    await asConsoleUser(
      base,
      c.users,
      { name: 'guard9', role: 'guard', password: 'guard-password-9' },
      '#/emergency',
      async (page) => {
        assert.equal(
          await page.isDisabled('[data-scenario=lockdown]'),
          true,
          'nothing starts before drill or real is chosen',
        );
        await page.check('[data-testid=scenario-mode] input[type=radio] >> nth=0');
        await page.click('[data-scenario=lockdown]');
        await page.locator('[data-testid=scenario-banner][data-drill=true]').waitFor({ timeout: 5000 });
        // On every page, not only this one.
        for (const other of ['#/dashboard', '#/access', '#/cameras']) {
          await page.goto(`${base}/${other}`);
          await page.locator('[data-testid=scenario-banner][data-kind=lockdown]').waitFor({ timeout: 5000 });
        }
        await page.goto(`${base}/#/emergency`);
        await waitFor(
          'the boards in a lockdown drill',
          () => boards.every((b) => b.state?.takeover?.kind === 'lockdown' && b.state.takeover.drill),
          5000,
          50,
        );
        await page.locator('[data-testid=timeline]').filter({ hasText: 'guard9' }).first().waitFor({ timeout: 5000 });
        await page.click('[data-scenario=all-clear]');
        await waitFor('all clear', () => boards.every((b) => b.state?.takeover === null), 5000, 50);
        await page.locator('[data-testid=scenario-banner]').waitFor({ state: 'detached', timeout: 5000 });
        c.pa.stop();
        // A real one asks, and names what will happen; refused, nothing happens.
        await page.check('[data-testid=scenario-mode] input[type=radio] >> nth=1');
        const asked: string[] = [];
        page.once('dialog', (d) => {
          asked.push(d.message());
          void d.dismiss();
        });
        await page.click('[data-scenario=evacuation]');
        await waitFor('the question', () => asked.length === 1, 3000, 20);
        assert.match(asked[0]!, /真实紧急疏散：将打开 \d+ 个闸机常开通行.*\d+ 个广播分区.*\d+ 块班牌/);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(await page.locator('[data-testid=scenario-banner]').count(), 0, 'refused: nothing started');
        await page.locator('[data-testid=scenario-history] summary').click();
        assert.ok((await page.locator('[data-testid=scenario-history] [data-testid=timeline]').count()) >= 2);
      },
    );
  });
});
