/**
 * PA and bells end to end: RTP G.711 from ffmpeg to simulated classroom
 * speakers, whose audio is decoded with ffmpeg to prove it arrived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { localTime } from '../controller/features/access/decide.ts';
import type { Controller } from '../controller/runtime.ts';
import { asConsoleUser } from './lib/browser.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { TcpSlaveSim } from './sim/modbus-transports.ts';
import { ModbusUnit } from './sim/modbus-unit.ts';
import { PaEndpointSim } from './sim/pa-endpoint-sim.ts';

describe('PA and bells', () => {
  const t = tempDir('pa');
  const room101 = new PaEndpointSim();
  const room102 = new PaEndpointSim();
  const amp = new ModbusUnit();
  const ampLog: { coil: number; on: boolean; at: number }[] = [];
  amp.onCoil = (coil, on) => ampLog.push({ coil, on, at: Date.now() });
  const ampBoard = new TcpSlaveSim(new Map([[1, amp]]));
  let c: Controller;
  const events = (type: string) => c.pipeline.log.search({ type, limit: 20 }).reverse();

  before(async () => {
    await room101.start();
    await room102.start();
    const ampPort = await ampBoard.listen(0);
    // A bell this very minute, in the active schedule only.
    const now = localTime(Date.now(), 'Asia/Shanghai');
    const hhmm = `${String(Math.floor(now.minutes / 60)).padStart(2, '0')}:${String(now.minutes % 60).padStart(2, '0')}`;
    c = await startController(
      await writeSite(t.dir, {
        // No district link at all: bells run from the local clock.
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        buses: [{ id: 'amps', type: 'modbus-tcp', host: '127.0.0.1', port: ampPort }],
        pa: {
          zones: [
            {
              id: 'class-101',
              name: '初一(1)班',
              address: `127.0.0.1:${room101.port}`,
              relay: { bus: 'amps', address: 1, coil: 3 },
            },
            { id: 'class-102', name: '初一(2)班', address: `127.0.0.1:${room102.port}` },
          ],
          active_schedule: 'winter',
          schedules: [
            {
              id: 'winter',
              name: '冬季作息',
              bells: [{ at: hhmm, days: [now.weekday], label: '上课铃', zones: ['class-101'] }],
            },
            { id: 'exam', name: '考试日', bells: [] },
          ],
        },
      }),
    );
  });
  after(async () => {
    await c?.stop();
    room101.stop();
    room102.stop();
    await ampBoard.close();
    t.remove();
  });

  test('the bell of this minute rings in its zone only, as audible audio, with the district link down', async () => {
    assert.equal(c.uplink.status.connected, false);
    await waitFor(
      'the bell to finish',
      () => events('pa.finished').some((e) => e.data.label === '上课铃'),
      15_000,
      100,
    );
    const [stream] = room101.streams();
    assert.ok(
      stream && stream.packets >= 15 && stream.last - stream.first > 2000,
      'about 2.8 s of RTP arrived in room 101',
    );
    assert.ok((await room101.meanVolumeDb(stream.ssrc)) > -30, 'decoded by ffmpeg: a real chime, not silence');
    assert.equal(room102.streams().length, 0, 'room 102 is not in the bell zone');
    const on = ampLog.find((x) => x.coil === 3 && x.on);
    assert.ok(on && on.at <= stream.first + 50, 'the zone amplifier was switched on before the audio');
    const off = await waitFor('the zone amplifier off after the bell', () => ampLog.find((x) => x.coil === 3 && !x.on));
    assert.ok(off.at >= stream.last - 100, `switched off ${stream.last - off.at} ms before the last packet`);
    assert.equal(ampLog.filter((x) => x.coil !== 3).length, 0, 'room 102 has no relay to switch');
    const audit = c.commands.recentAudit(5) as { command: string; actor_kind: string; actor: string }[];
    assert.ok(audit.some((a) => a.command === 'pa.bell' && a.actor_kind === 'schedule' && a.actor === 'winter'));
  });

  test('an emergency broadcast preempts a running bell', async () => {
    const bell = c.pa.request({
      source: { kind: 'chime', seconds: 10 },
      zones: 'all',
      priority: 'bell',
      label: '长铃',
      by: 'test',
    });
    assert.equal(bell.state, 'playing');
    await new Promise((r) => setTimeout(r, 800));
    const t0 = Date.now();
    const r = await c.commands.execute(
      {
        name: 'pa.play',
        args: { kind: 'tts', text: '紧急通知，请立即疏散。', zones: 'all', priority: 'emergency', label: '紧急疏散' },
      },
      { kind: 'user', name: 'guard1', role: 'guard' },
    );
    assert.equal(r.ok, true, r.error);
    await waitFor('the bell preempted', () => events('pa.preempted').some((e) => e.data.label === '长铃'), 3000, 20);
    await waitFor(
      'the emergency broadcast to finish',
      () => events('pa.finished').some((e) => e.data.label === '紧急疏散'),
      20_000,
      100,
    );
    const streams = room102.streams();
    const [bellStream, emergency] = [streams.find((s) => s.first < t0)!, streams.find((s) => s.first >= t0)!];
    assert.ok(bellStream.last - t0 < 600, `the bell stopped ${bellStream.last - t0} ms after the emergency command`);
    assert.ok((await room102.meanVolumeDb(emergency.ssrc)) > -35, 'the spoken message arrived');
    assert.equal(
      c.pa.request({ source: { kind: 'chime' }, zones: 'all', priority: 'bell', label: 'x', by: 'test' }).state,
      'playing',
    );
    c.pa.stop();
  });

  test('a bell during an announcement is dropped, not played late; schedules switch in one step', async () => {
    c.pa.request({
      source: { kind: 'chime', seconds: 3 },
      zones: 'all',
      priority: 'announcement',
      label: '广播',
      by: 'test',
    });
    assert.equal(
      c.pa.request({ source: { kind: 'chime' }, zones: 'all', priority: 'bell', label: '晚铃', by: 'test' }).state,
      'dropped',
    );
    c.pa.stop();
    const r = await c.commands.execute(
      { name: 'bells.activate', args: { scheduleId: 'exam' } },
      { kind: 'user', name: 'admin1', role: 'admin' },
    );
    assert.equal(r.ok, true);
    assert.equal(c.bells.active?.id, 'exam');
    const bad = await c.commands.execute(
      { name: 'bells.activate', args: { scheduleId: 'summer' } },
      { kind: 'user', name: 'admin1', role: 'admin' },
    );
    assert.match(bad.error!, /no bell schedule "summer"/);
    const fromDistrict = await c.commands.execute(
      { name: 'pa.bell', args: { label: 'x', sound: 'chime', zones: 'all' } },
      { kind: 'district', name: 'noc' },
    );
    assert.match(fromDistrict.error!, /not accepted from district/);
  });

  test('an admin edits the active bell schedule in the console; clashes are refused', async () => {
    const base = `http://127.0.0.1:${c.site.config.console.port}`;
    await asConsoleUser(
      base,
      c.users,
      { name: 'admin1', role: 'admin', password: 'admin-password-1' },
      '#/emergency',
      async (page) => {
        const editor = page.locator('[data-testid=bell-editor]');
        await editor.waitFor();
        await editor.locator('button', { hasText: '添加铃声' }).click();
        await editor.locator('button', { hasText: '添加铃声' }).click();
        await page.click('[data-testid=save-bells]');
        await page.locator('[role=alert]').filter({ hasText: 'rings at 08:00' }).waitFor({ timeout: 5000 });
        await editor.locator('tbody tr').nth(1).locator('input').first().fill('09:40');
        await editor.locator('tbody tr').nth(1).locator('input').nth(2).fill('第二节');
        await page.click('[data-testid=save-bells]');
        await page.locator('[role=alert]').filter({ hasText: '已执行' }).waitFor({ timeout: 5000 });
        assert.deepEqual(
          c.bells.active!.bells.map((b) => `${b.at} ${b.label ?? ''}`),
          ['08:00 ', '09:40 第二节'],
        );
        const audit = (c.commands.recentAudit(10) as { command: string; ok: number }[]).filter(
          (a) => a.command === 'bells.save',
        );
        assert.deepEqual(
          audit.map((a) => a.ok),
          [1, 0],
          'both attempts audited',
        );
      },
    );
  });
});
