/** Class boards: kiosk key, state on (re)connect, notices, card taps for attendance, the page in Chromium. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { launchChromium } from './lib/browser.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { BoardClientSim } from './sim/board-client-sim.ts';

const students = [
  {
    id: 's1',
    name: '张小明',
    kind: 'student',
    class: '初一(1)班',
    card: '1001',
    validFrom: null,
    validTo: null,
    enabled: true,
    groups: [],
  },
  {
    id: 's2',
    name: '李华',
    kind: 'student',
    class: '初一(1)班',
    card: '1002',
    validFrom: null,
    validTo: null,
    enabled: true,
    groups: [],
  },
  {
    id: 's3',
    name: '王芳',
    kind: 'student',
    class: '初一(2)班',
    card: '1003',
    validFrom: null,
    validTo: null,
    enabled: true,
    groups: [],
  },
] as const;

describe('class boards', () => {
  const t = tempDir('boards');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  let c: Controller;
  let base: string;
  const client = (id = 'b-101') => new BoardClientSim(base, id, c.boards.key(id));

  before(async () => {
    await broker.start();
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: broker.url },
        boards: [
          {
            id: 'b-101',
            name: '初一(1)班',
            class: '初一(1)班',
            room: '101',
            assembly_point: '操场东侧',
            timetable: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59', subject: '语文' }],
          },
          { id: 'b-102', name: '初一(2)班', class: '初一(2)班' },
        ],
      }),
    );
    c.allowlist.upsertLocal({ cardholders: students.map((s) => ({ ...s, groups: [...s.groups] })) });
    base = `http://127.0.0.1:${c.site.config.console.port}`;
  });
  after(async () => {
    await c?.stop();
    await broker.stop();
    t.remove();
  });

  test('a board with the right key gets its state; a wrong key is refused', async () => {
    const b = await client().connect();
    assert.equal(b.state!.board.class, '初一(1)班');
    assert.deepEqual(
      { present: b.state!.attendance.present, enrolled: b.state!.attendance.enrolled },
      { present: 0, enrolled: 2 },
    );
    await b.close();
    const wrong = await new BoardClientSim(base, 'b-101', 'not-the-key').connect();
    assert.equal(wrong.closedWith, 1008);
  });

  test("a card tap records attendance for the class, once; another class's card and an unknown one get the same answer, with no name", async () => {
    const b = await client().connect();
    assert.deepEqual(await b.tap('1001'), { kind: 'tap-result', ok: true, name: '张小明' });
    await waitFor('the count to go up', () => b.state!.attendance.present === 1);
    assert.deepEqual(
      await b.tap('1001'),
      { kind: 'tap-result', ok: true, name: '张小明', already: true },
      'a second tap the same day records nothing',
    );
    const other = await b.tap('1003');
    const unknown = await b.tap('9999');
    assert.deepEqual(other, { kind: 'tap-result', ok: false, reason: 'not-recognised' });
    assert.deepEqual(unknown, other, 'nothing tells a pupil of another class from a card nobody holds');
    assert.equal(c.pipeline.log.search({ type: 'board.tap', limit: 5 }).length, 1);
    await b.close();
  });

  test("card numbers typed into a board's socket: refused, rate-limited, and an alarm for the guards", async () => {
    const b = await client('b-102').connect();
    const answers = [];
    for (let card = 5000; card < 5080; card++) answers.push(await b.tap(String(card)));
    const named = answers.filter((a) => a.name !== undefined);
    assert.deepEqual(named, [], 'no name of any pupil, whatever was typed');
    assert.ok(
      answers.some((a) => a.reason === 'too-many'),
      'a burst of taps is cut off',
    );
    const alarm = c.alarms.openAlarms().find((a) => a.key === 'board.taps-refused:b-102');
    assert.ok(alarm, 'repeated refusals are an alarm');
    assert.equal(alarm.severity, 'major');
    assert.equal(c.pipeline.log.search({ type: 'board.tap', source: 'b-102', limit: 5 }).length, 0);
    console.log(
      `# board socket: 80 typed card numbers, ${answers.filter((a) => a.reason === 'too-many').length} cut off by the rate limit, 0 names shown, 1 alarm`,
    );
    await b.close();
  });

  test('garbage on the board socket is ignored: no crash, no record, the board keeps working', async () => {
    const b = await client().connect();
    const taps = c.pipeline.log.search({ type: 'board.tap', limit: 50 }).length;
    for (const junk of [
      'not json',
      '{"kind":"tap","card":"12ab"}',
      '{"kind":"tap","card":1001}',
      `{"kind":"tap","card":"${'9'.repeat(40)}"}`,
      '[]',
      'null',
      Buffer.from([0xff, 0x00, 0xfe]),
    ]) {
      b.sendRaw(junk);
    }
    assert.deepEqual(
      await b.tap('1002'),
      { kind: 'tap-result', ok: true, name: '李华' },
      'the next real tap is answered',
    );
    assert.equal(
      c.pipeline.log.search({ type: 'board.tap', limit: 50 }).length,
      taps + 1,
      'only the real tap was recorded',
    );
    await b.close();
  });

  test('a board that reconnects gets what it missed: notices and a takeover', async () => {
    const b = await client().connect();
    await b.close();
    const r = await c.commands.execute(
      { name: 'board.notice', args: { text: '明天上午九点举行升旗仪式', boards: 'all' } },
      { kind: 'district', name: 'noc' },
    );
    assert.equal(r.ok, true, r.error);
    c.boards.setTakeover({ kind: 'evacuation', message: '请沿安全通道有序撤离', drill: true, at: Date.now() });
    await b.connect();
    assert.equal(b.state!.notices[0].text, '明天上午九点举行升旗仪式');
    assert.equal(b.state!.takeover.kind, 'evacuation');
    c.boards.setTakeover(null);
    await waitFor('the takeover lifted live', () => b.state!.takeover === null);
    await b.close();
  });

  test('the kiosk page renders in Chromium with the class, attendance and notices', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${base}/board/b-101?key=${encodeURIComponent(c.boards.key('b-101'))}`);
      await page.locator('[data-testid=class]').filter({ hasText: '初一(1)班' }).waitFor({ timeout: 10_000 });
      assert.equal(
        await page.textContent('[data-testid=attendance]'),
        '2 / 2',
        'both students of the class tapped in the tests above',
      );
      assert.match((await page.textContent('[data-testid=notices]')) ?? '', /升旗仪式/);
      c.boards.setTakeover({ kind: 'lockdown', message: '请留在教室，锁好门窗', drill: false, at: Date.now() });
      await page.locator('[data-testid=takeover]').filter({ hasText: 'LOCKDOWN' }).waitFor({ timeout: 5000 });
      c.boards.setTakeover(null);
    } finally {
      await browser.close();
    }
  });
});
