/**
 * Intrusion zones (防区) on a Modbus digital-input module (a simulated module over Modbus TCP,
 * read with function 02) and on a camera's input (the ONVIF simulator): arming by a guard and
 * by schedule, exit and entry delays, bypass with a reason, tamper always armed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../controller/core/types.ts';
import type { ZoneService } from '../controller/features/intrusion/zone-service.ts';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser } from './lib/browser.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { ModbusUnit } from './sim/modbus-unit.ts';
import { TcpSlaveSim } from './sim/modbus-transports.ts';
import { OnvifCameraSim } from './sim/onvif-camera-sim.ts';

const guard: Actor = { kind: 'user', name: 'guard1', role: 'guard' };

describe('intrusion zones', () => {
  const t = tempDir('zones');
  const io = new ModbusUnit();
  const sim = new TcpSlaveSim(new Map([[3, io]]));
  const cam = new OnvifCameraSim('admin', 'zn-pass');
  let c: Controller | undefined;
  // Normally closed loops: on while all is well.
  const loop = (input: number, closed: boolean) => {
    io.discrete[input] = closed ? 1 : 0;
  };

  before(async () => {
    for (const i of [0, 1, 2, 3]) loop(i, true);
    const port = await sim.listen();
    await cam.start();
    writeFileSync(join(t.dir, 'cam.pw'), 'zn-pass\n', { mode: 0o600 });
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [{ id: 'io', type: 'modbus-tcp', host: '127.0.0.1', port, timeout_ms: 300 }],
        io_modules: [{ id: 'io-east', name: '东侧输入模块', bus: 'io', address: 3, inputs: 8, poll_ms: 100 }],
        video: {
          cameras: [
            {
              id: 'cam-fence',
              host: '127.0.0.1',
              port: cam.port,
              username: 'admin',
              password_file: 'cam.pw',
              pull_timeout_s: 2,
            },
          ],
        },
        zones: [
          {
            id: 'wall',
            name: '东围墙',
            place: '围墙',
            input: { module: 'io-east', input: 0 },
            tamper: { module: 'io-east', input: 1 },
          },
          { id: 'door', name: '器材室门', input: { module: 'io-east', input: 2 }, entry_delay_s: 2, exit_delay_s: 2 },
          {
            id: 'yard',
            name: '操场红外',
            input: { module: 'io-east', input: 3 },
            armed: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' }],
          },
          { id: 'fence', name: '北侧电子围栏', input: { camera: 'cam-fence', input: 'DI_3' } },
        ],
      }),
    );
    await waitFor('the camera subscribed', () => cam.activeSubscriptions === 1, 20_000);
  });
  after(async () => {
    await c?.stop();
    await cam.stop();
    await sim.close();
    t.remove();
  });

  const zones = () =>
    (c!.features.find((f) => f.name === 'intrusion') as unknown as { zones: ZoneService }).zones.list();
  const zone = (id: string) => zones().find((z) => z.id === id)!;
  const open = (key: string) => c!.alarms.openAlarms().find((a) => a.key === key);
  const run = (name: string, args: Record<string, unknown>) => c!.commands.execute({ name, args }, guard);

  test('the schedule arms its zone; a guard arms the rest; an armed zone that opens alarms at once', async () => {
    await waitFor('the schedule armed the yard', () => zone('yard').state === 'armed', 5000);
    assert.equal(zone('wall').state, 'disarmed');
    loop(0, false);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(open('zone.intrusion:wall'), undefined, 'disarmed: no alarm');
    loop(0, true);
    assert.ok((await run('zone.arm', { zones: ['wall'] })).ok);
    loop(0, false);
    await waitFor('the wall alarm', () => open('zone.intrusion:wall')?.active === true, 3000, 50);
    const a = open('zone.intrusion:wall')!;
    assert.equal(a.severity, 'critical');
    assert.equal(a.data.room, '围墙', 'the place goes with it, for linkage rules and the plan');
    assert.ok((await run('zone.disarm', { zones: ['wall'] })).ok);
    assert.equal(open('zone.intrusion:wall')?.active ?? false, false, 'disarming ends the condition');
    loop(0, true);
  });

  test('exit and entry delays: out and back in time is no alarm; too slow is one', async () => {
    await run('zone.arm', { zones: ['door'] });
    assert.equal(zone('door').state, 'exit');
    loop(2, false); // the guard walks out
    await new Promise((r) => setTimeout(r, 600));
    loop(2, true);
    await waitFor('armed after the exit delay', () => zone('door').state === 'armed', 4000, 50);
    loop(2, false); // back in
    await waitFor('the entry delay', () => zone('door').state === 'entry', 2000, 50);
    await run('zone.disarm', { zones: ['door'] });
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(open('zone.intrusion:door'), undefined, 'disarmed within the entry delay');
    loop(2, true);
    await run('zone.arm', { zones: ['door'] });
    await waitFor('armed', () => zone('door').state === 'armed', 4000, 50);
    loop(2, false);
    await waitFor(
      'an alarm once the entry delay ran out',
      () => open('zone.intrusion:door')?.active === true,
      4000,
      50,
    );
    await run('zone.disarm', { zones: ['door'] });
    loop(2, true);
  });

  test("a camera's input is a zone too; bypassed (with a reason) it is ignored; tamper is always armed", async () => {
    const refused = await run('zone.bypass', { zone: 'fence', on: true });
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'zone.bypass-reason');
    assert.ok((await run('zone.bypass', { zone: 'fence', on: true, reason: '围栏检修 fence under repair' })).ok);
    await run('zone.arm', { zones: ['fence'] });
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_3' });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(open('zone.intrusion:fence'), undefined, 'bypassed');
    assert.equal(
      open('camera.digital-input:cam-fence:DI_3'),
      undefined,
      "the zone's input raises no camera alarm of its own",
    );
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'false' }, { InputToken: 'DI_3' });
    await run('zone.bypass', { zone: 'fence', on: false });
    cam.emit('Device/Trigger/DigitalInput', { LogicalState: 'true' }, { InputToken: 'DI_3' });
    await waitFor('the fence alarm', () => open('zone.intrusion:fence')?.active === true, 5000, 50);

    assert.equal(zone('wall').state, 'disarmed');
    loop(1, false); // the wall detector's cover off
    await waitFor('a tamper alarm on a disarmed zone', () => open('zone.tamper:wall')?.active === true, 3000, 50);
    const states = c!.pipeline.log.search({ type: 'zone.state', limit: 100 });
    assert.ok(
      states.some((s) => s.source === 'fence' && String(s.data.why).includes('围栏检修')),
      'the bypass reason is on record',
    );
    const audit = c!.pipeline.log.search({ type: 'command.result', limit: 100 });
    assert.ok(
      audit.some((r) => r.data.command === 'zone.bypass' && r.data.ok === true),
      'and audited',
    );
  });

  test('the console reads each zone with its state, and the plan offers zones to place with theirs', async () => {
    await c!.users.add('guard2', 'guard', 'guard-pass-123');
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    const login = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'guard2', password: 'guard-pass-123' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const list = (await (await fetch(`${base}/api/zones`, { headers: { cookie } })).json()) as {
      id: string;
      state: string;
      bypassed: boolean;
    }[];
    assert.deepEqual(Object.fromEntries(list.map((z) => [z.id, z.state])), {
      wall: 'disarmed',
      door: 'disarmed',
      yard: 'armed',
      fence: 'alarm',
    });
    const plans = (await (await fetch(`${base}/api/plans`, { headers: { cookie } })).json()) as {
      devices: { id: string; kind: string; zone?: string }[];
    };
    assert.equal(plans.devices.find((d) => d.id === 'yard')?.zone, 'armed');
    assert.equal(plans.devices.find((d) => d.id === 'fence')?.kind, 'zone');
    assert.equal((await fetch(`${base}/api/zones`)).status, 401, 'no session, no zones');
  });

  test('a guard bypasses a zone with a reason and arms the rest from the console', async () => {
    const base = `http://127.0.0.1:${c!.site.config.console.port}`;
    await run('zone.disarm', { zones: 'all' });
    await asConsoleUser(
      base,
      c!.users,
      { name: 'guard3', role: 'guard', password: 'guard-pass-123' },
      '#/zones',
      async (page) => {
        const row = (id: string) => page.locator(`tr[data-zone="${id}"]`);
        await row('door').waitFor();
        await row('door').getByRole('button', { name: '旁路…' }).click();
        await page.fill('[data-testid=bypass-reason]', '门磁损坏待修');
        await row('door').getByRole('button', { name: '旁路', exact: true }).click();
        await page.waitForFunction(
          () => document.querySelector('tr[data-zone="door"]')?.textContent?.includes('已旁路：门磁损坏待修') ?? false,
        );
        await page.click('[data-testid=arm-all]');
        await page.waitForSelector('tr[data-zone="wall"][data-state="armed"]');
        await page.waitForSelector('tr[data-zone="door"][data-state="exit"]');
      },
    );
    assert.equal(zone('door').bypassed, true);
    assert.equal(zone('wall').state, 'armed');
    await run('zone.disarm', { zones: 'all' });
  });
});
