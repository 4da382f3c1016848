/**
 * OSDP readers on one RS-485 line (a real pty pair): polling, card reads,
 * LED feedback, the secure channel in install mode, the installer's KEYSET,
 * a reader with the wrong key, faults and the 8 s offline rule.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { OsdpKeyStore } from '../drivers/access/osdp/key-store.ts';
import { Color } from '../drivers/access/osdp/messages.ts';
import type { OsdpBusDriver } from '../drivers/access/osdp/osdp-bus-driver.ts';
import { waitFor } from './lib/ports.ts';
import { PtyPair } from './lib/pty-pair.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { TcpSlaveSim } from './sim/modbus-transports.ts';
import { OsdpBusSim, OsdpReaderSim } from './sim/osdp-pd-sim.ts';
import { TurnstileSim } from './sim/turnstile-sim.ts';

const CARD = (7 << 16) | 4242;

describe('OSDP readers', () => {
  const t = tempDir('osdp');
  const pty = new PtyPair(t.dir, 'osdp');
  const secureReader = new OsdpReaderSim(1);
  const plainReader = Object.assign(new OsdpReaderSim(2), { checksumOnly: true });
  const strangerReader = new OsdpReaderSim(3);
  const line = new OsdpBusSim(pty.deviceEnd, [secureReader, plainReader, strangerReader]);
  const turnstile = new TurnstileSim();
  const board = new TcpSlaveSim(new Map([[1, turnstile.unit]]));
  let c: Controller;
  let osdp: OsdpBusDriver;

  const state = (id: string) => c.devices.get(id, 'secureReader')?.state();
  const health = (id: string) => c.health.list().find((d) => d.id === id)?.health;
  const events = (type: string) => c.pipeline.log.search({ type, limit: 50 });

  before(async () => {
    await pty.plug();
    await line.open();
    const boardPort = await board.listen(0);
    // Reader 3 holds a key the gateway does not have.
    strangerReader.scbk = randomBytes(16);
    mkdirSync(join(t.dir, 'data'), { recursive: true });
    new OsdpKeyStore(join(t.dir, 'data', 'osdp-keys.json')).set('east-3', randomBytes(16));
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [
          { id: 'osdp-1', type: 'osdp', port: pty.controllerEnd, reply_timeout_ms: 150, offline_after_s: 8 },
          { id: 'relays', type: 'modbus-tcp', host: '127.0.0.1', port: boardPort },
        ],
        access: {
          gates: [{ id: 'east', bus: 'relays', address: 1, poll_ms: 100 }],
          readers: [
            { id: 'east-1', type: 'osdp', bus: 'osdp-1', address: 1, secure: true, gate: 'east', direction: 'in' },
            { id: 'east-2', type: 'osdp', bus: 'osdp-1', address: 2, secure: false, gate: 'east', direction: 'out' },
            { id: 'east-3', type: 'osdp', bus: 'osdp-1', address: 3, secure: true, gate: 'east', direction: 'in' },
          ],
        },
      }),
    );
    c.allowlist.apply({
      version: 1,
      full: true,
      groups: [{ id: 'all', name: 'all' }],
      schedules: [
        {
          id: 'always',
          name: 'always',
          onHolidays: true,
          intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
        },
      ],
      rules: [{ gateId: 'east', groupId: 'all', scheduleId: 'always' }],
      cardholders: [
        {
          id: 'p1',
          name: '赵六',
          kind: 'staff',
          class: null,
          card: String(CARD),
          validFrom: null,
          validTo: null,
          enabled: true,
          groups: ['all'],
        },
      ],
    });
    osdp = c.drivers.find((d) => d.kind === 'osdp-bus') as OsdpBusDriver;
  });
  after(async () => {
    await c?.stop();
    await line.close();
    await pty.unplug();
    await board.close();
    t.remove();
  });

  test('a new reader comes up on a secure channel with the install key (SCBK-D)', async () => {
    await waitFor('east-1 secure', () => state('east-1')?.secure, 10_000);
    assert.deepEqual(state('east-1'), { state: 'online', secure: true, installKey: true });
    assert.ok(secureReader.secure);
    assert.equal(health('east-1'), 'online');
  });

  test('the installer sets a site key from the console API: stored 0600, and the channel comes back up with it', async () => {
    await c.users.add('installer1', 'installer', 'installer-password-1');
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    const login = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'installer1', password: 'installer-password-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await login.json()) as { csrf: string };
    const readers = (await (await fetch(`${base}/api/access/readers`, { headers: { cookie } })).json()) as {
      id: string;
      installKey: boolean;
    }[];
    assert.equal(readers.find((x) => x.id === 'east-1')?.installKey, true);
    const res = await fetch(`${base}/api/access/readers/east-1/keyset`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const file = join(t.dir, 'data', 'osdp-keys.json');
    const stored = new OsdpKeyStore(file).get('east-1')!;
    assert.ok(secureReader.scbk?.equals(stored), 'the reader holds the key the gateway stored');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await waitFor(
      'the secure channel with the site key',
      () => state('east-1')?.secure && !state('east-1')?.installKey,
      10_000,
    );
    const audit = c.commands.recentAudit(5) as { command: string; args: string }[];
    assert.doesNotMatch(JSON.stringify(audit), new RegExp(stored.toString('hex')), 'the key is never audited');
  });

  test('a KEYSET whose ACK is lost for good does not lock the reader out: the next handshake proves the new key', async () => {
    const file = join(t.dir, 'data', 'osdp-keys.json');
    const before = new OsdpKeyStore(file).get('east-1')!;
    secureReader.fault = 'lose-keyset-ack';
    const r = await c.commands.execute(
      { name: 'osdp.keyset', args: { readerId: 'east-1' } },
      { kind: 'system', name: 'test' },
    );
    assert.equal(r.ok, true, r.error);
    const keys = new OsdpKeyStore(file);
    assert.ok(secureReader.scbk?.equals(keys.get('east-1')!), 'the gateway holds the key the reader took');
    assert.ok(!keys.get('east-1')!.equals(before), 'a new key');
    assert.equal(keys.pending('east-1'), undefined, 'nothing left pending');
    await waitFor('back on the secure channel', () => state('east-1')?.secure === true, 10_000);
  });

  test('a card on the secure reader opens the gate with a green LED; an unknown card gets red', async () => {
    turnstile.relayLog.length = 0;
    secureReader.present(CARD);
    await waitFor('the gate opened', () => turnstile.relayLog.some((x) => x.on && x.direction === 'in'), 5000);
    await waitFor('green feedback', () => secureReader.leds.some((l) => l.color === Color.green), 5000);
    await waitFor('the reader kept active for the grant window', () => secureReader.keepActive.includes(8000), 5000);
    secureReader.present(123);
    await waitFor('red feedback', () => secureReader.leds.some((l) => l.color === Color.red), 5000);
    await waitFor('a buzz for each', () => secureReader.buzzes.length >= 2, 5000);
    assert.equal(events('access.denied')[0]!.data.reason, 'unknown-card');
  });

  test('on the secure channel, a lost, a late and a duplicated reply each leave one card read, once, and the channel up', async () => {
    for (const fault of ['lose-reply', 'late', 'duplicate'] as const) {
      const granted = () => events('access.granted').filter((e) => e.source === 'east-1').length;
      const before = granted();
      const repeats = secureReader.repeats;
      secureReader.fault = fault;
      secureReader.present(CARD);
      await waitFor(`the card read with a ${fault}`, () => granted() === before + 1, 5000);
      await new Promise((r) => setTimeout(r, 600));
      secureReader.fault = 'none';
      assert.equal(granted(), before + 1, `${fault}: one card, one access record`);
      if (fault !== 'duplicate') assert.ok(secureReader.repeats > repeats, `${fault}: the reader repeated its answer`);
      assert.equal(state('east-1')?.secure, true, `${fault}: still on the secure channel`);
    }
    assert.ok((osdp.stats().stale as number) > 0, 'late and repeated answers dropped as stale');
  });

  test('readers share the line: the plain reader, an older one with checksums for CRCs, reads cards alongside', async () => {
    plainReader.present(CARD, 'w26');
    await waitFor('the exit read', () => events('access.granted').some((e) => e.source === 'east-2'), 5000);
    assert.ok(plainReader.checksumCommands > 0, 'the panel sends it checksums, as its PDCAP asks');
    assert.equal(secureReader.checksumCommands, 0, 'and CRCs to the others');
  });

  test('a reader holding a different key is refused, and its cards are not acted on', async () => {
    await waitFor(
      'the refusal',
      () => events('osdp.secure-channel-refused').some((e) => e.source === 'east-3'),
      10_000,
    );
    assert.equal(health('east-3'), 'degraded');
    assert.equal(state('east-3')?.secure, false);
    strangerReader.present(CARD);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(events('access.granted').filter((e) => e.source === 'east-3').length, 0);
  });

  test('bad CRCs and garbage are dropped; a reader silent for 8 s is offline with an alarm, then recovers', async () => {
    const dropped = osdp.stats().dropped;
    plainReader.fault = 'bad-crc';
    await new Promise((r) => setTimeout(r, 600));
    plainReader.fault = 'garbage';
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(osdp.stats().dropped > dropped, 'malformed replies counted');
    plainReader.fault = 'silent';
    const t0 = Date.now();
    await waitFor('east-2 offline', () => health('east-2') === 'offline', 15_000, 100);
    const offlineAfter = Date.now() - t0;
    assert.ok(offlineAfter >= 6500, `offline after ${offlineAfter} ms`);
    assert.ok(c.alarms.isActive('device.offline:east-2'));
    assert.equal(health('east-1'), 'online', 'its neighbours keep working');
    plainReader.fault = 'none';
    await waitFor('east-2 back', () => health('east-2') === 'online', 10_000);
    console.log(`# OSDP reader offline after ${offlineAfter} ms of silence (incl. the faulty replies before)`);
  });
});
