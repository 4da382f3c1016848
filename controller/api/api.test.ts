import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadSite } from '../config/load-site.ts';
import { createLogger } from '../core/logger.ts';
import { type Role, roles } from '../core/roles.ts';
import { Controller } from '../runtime.ts';
import { tempDir, writeSite } from '../../hil-tests/lib/site-fixture.ts';
import { buildApi } from './server.ts';
import { localTime } from '../features/access/decide.ts';

const t = tempDir('api');
let controller: Controller;
let app: FastifyInstance;
const PASSWORD = 'Correct horse battery';

before(async () => {
  const file = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1' } });
  controller = new Controller(loadSite(file), createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  for (const role of roles) await controller.users.add(`${role}1`, role, PASSWORD);
  app = await buildApi(controller.apiDeps());
});
after(async () => {
  await app.close();
  controller.db.close();
  t.remove();
});

let logins = 0;
async function login(role: Role): Promise<{ cookie: string; csrf: string }> {
  // Each login from its own address: the per-address limit has a test of its own.
  const n = ++logins;
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: `${role}1`, password: PASSWORD },
    remoteAddress: `10.0.${n}.${roles.indexOf(role) + 1}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.find((c) => c.name === 'ce_session')!;
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  return { cookie: `ce_session=${cookie.value}`, csrf: res.json().csrf };
}

test('every API route but health, login and the OpenAPI document needs a session', async () => {
  for (const url of [
    '/api/alarms',
    '/api/events',
    '/api/devices',
    '/api/rooms',
    '/api/uplink',
    '/api/users',
    '/api/audit',
    '/api/site',
  ]) {
    assert.equal((await app.inject({ url })).statusCode, 401, url);
  }
  assert.equal((await app.inject({ url: '/api/health' })).statusCode, 200);
  const doc = (await app.inject({ url: '/api/openapi.json' })).json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
  assert.ok(doc.paths['/api/alarms/{id}/ack'].post, 'routes and their schemas are in the OpenAPI document');
});

test('a wrong password is refused, and login is rate-limited per address', async () => {
  const attempt = () =>
    app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody1', password: 'wrong password!' },
      remoteAddress: '10.9.9.9',
    });
  const codes: number[] = [];
  for (let i = 0; i < 12; i++) codes.push((await attempt()).statusCode);
  assert.deepEqual(codes, [...Array(10).fill(401), 429, 429]);
});

test('input is validated against the route schema', async () => {
  const s = await login('viewer');
  const bad = await app.inject({ url: '/api/events?limit=100000', headers: { cookie: s.cookie } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /limit/);
  const extra = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'a', password: 'b', admin: true },
    remoteAddress: '10.1.1.1',
  });
  assert.equal(extra.statusCode, 400);
});

test('a mutating request without the CSRF token is refused', async () => {
  const s = await login('guard');
  const res = await app.inject({
    method: 'POST',
    url: '/api/alarms/00000000-0000-4000-8000-000000000000/ack',
    headers: { cookie: s.cookie },
  });
  assert.equal(res.statusCode, 403);
  assert.match(res.json().error, /CSRF/);
});

test('role checks: who may acknowledge alarms and manage users', async () => {
  const alarm = controller.alarms.raise({
    key: 'test',
    type: 'test',
    source: 'test',
    severity: 'major',
    message: 'test',
  });
  controller.pipeline.flush();
  const expectations: Record<Role, { ack: number; users: number }> = {
    viewer: { ack: 403, users: 403 },
    installer: { ack: 403, users: 403 },
    auditor: { ack: 403, users: 403 },
    guard: { ack: 200, users: 403 },
    admin: { ack: 409, users: 200 },
  };
  for (const role of ['viewer', 'installer', 'auditor', 'guard', 'admin'] as Role[]) {
    const s = await login(role);
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const ack = await app.inject({ method: 'POST', url: `/api/alarms/${alarm.id}/ack`, headers });
    // The guard acknowledges first, so the admin's second acknowledgement is a conflict.
    assert.equal(ack.statusCode, expectations[role].ack, `${role} ack: ${ack.body}`);
    assert.equal(
      (await app.inject({ url: '/api/users', headers })).statusCode,
      expectations[role].users,
      `${role} users`,
    );
  }
  const audit = controller.commands.recentAudit(10) as { actor: string; command: string; ok: number }[];
  assert.deepEqual(
    audit.filter((a) => a.command === 'alarm.ack').map((a) => [a.actor, a.ok]),
    [
      ['admin1', 0],
      ['guard1', 1],
    ],
  );
});

test('alarms: a handling note on acknowledge, several at once with the ones no longer waiting named, history by severity, kind, device and room', async () => {
  const raise = (key: string, type: string, severity: 'warning' | 'major', room: string) =>
    controller.alarms.raise({ key, type, source: `dev-${key}`, severity, message: key, data: { room } });
  const a = raise('h1', 'camera.intrusion', 'major', '101');
  const b = raise('h2', 'environment.co2.high', 'warning', '102');
  const c = raise('h3', 'camera.tamper', 'major', '102');
  const s = await login('guard');
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const one = await app.inject({
    method: 'POST',
    url: `/api/alarms/${a.id}/ack`,
    headers,
    payload: { note: '监控确认：保洁人员' },
  });
  assert.equal(one.statusCode, 200, one.body);
  const many = await app.inject({
    method: 'POST',
    url: '/api/alarms/ack',
    headers,
    payload: { ids: [a.id, b.id, c.id], note: '已巡查' },
  });
  assert.equal(many.statusCode, 200, many.body);
  assert.deepEqual(many.json().result, { acked: [b.id, c.id], notWaiting: [a.id] });
  const history = async (q: string) =>
    (await app.inject({ url: `/api/alarms?state=all&${q}`, headers: { cookie: s.cookie } })).json() as {
      key: string;
      data: { ackNote?: string };
    }[];
  assert.equal((await history('kind=camera')).filter((x) => ['h1', 'h3'].includes(x.key)).length, 2);
  assert.deepEqual(
    (await history('kind=camera&room=102')).map((x) => x.key),
    ['h3'],
  );
  assert.deepEqual(
    (await history('severity=warning&source=dev-h2')).map((x) => [x.key, x.data.ackNote]),
    [['h2', '已巡查']],
  );
  assert.equal((await history('source=dev-h1'))[0]!.data.ackNote, '监控确认：保洁人员');
  for (const k of ['h1', 'h2', 'h3']) controller.alarms.clear(k);
});

test('an admin adds a user; weak passwords and unknown roles are refused', async () => {
  const s = await login('admin');
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const weak = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers,
    payload: { username: 'guard2', role: 'guard', password: 'short' },
  });
  assert.equal(weak.statusCode, 400, weak.body);
  assert.match(weak.json().error, /at least 10 characters/);
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/users',
        headers,
        payload: { username: 'guard2', role: 'root', password: PASSWORD },
      })
    ).statusCode,
    400,
  );
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/users',
        headers,
        payload: { username: 'guard2', role: 'guard', password: PASSWORD },
      })
    ).statusCode,
    201,
  );
  assert.ok(controller.users.list().some((u) => u.username === 'guard2'));
  const audit = controller.commands.recentAudit(5) as { command: string; args: string; ok: number }[];
  const added = audit.find((a) => a.command === 'user.add' && a.ok === 1)!;
  assert.deepEqual(
    JSON.parse(added.args),
    { username: 'guard2', role: 'guard', password: '[redacted]' },
    'the password never reaches the audit log',
  );
  assert.equal(
    (await app.inject({ method: 'PUT', url: '/api/users/guard2/disabled', headers, payload: { disabled: true } }))
      .statusCode,
    200,
  );
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'guard2', password: PASSWORD },
        remoteAddress: '10.2.2.2',
      })
    ).statusCode,
    401,
  );
  assert.equal(
    (await app.inject({ method: 'PUT', url: '/api/users/admin1/disabled', headers, payload: { disabled: true } }))
      .statusCode,
    400,
    'an admin cannot lock themselves out',
  );
  const fromDistrict = await controller.commands.execute(
    { name: 'user.add', args: { username: 'x1', role: 'admin', password: PASSWORD } },
    { kind: 'district', name: 'noc' },
  );
  assert.match(fromDistrict.error!, /not accepted from district/);
});

test('logging out ends the session', async () => {
  const s = await login('viewer');
  assert.equal(
    (await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }))
      .statusCode,
    204,
  );
  assert.equal((await app.inject({ url: '/api/alarms', headers: { cookie: s.cookie } })).statusCode, 401);
});

test('cardholders: CSV import is all or nothing with located problems; export round-trips; roles apply', async () => {
  const s = await login('admin');
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/csv' };
  const bad = await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers,
    payload: 'id,name,kind,card\ns1,张三,student,12\ns2,李四,teacher,13\n',
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().problems, [{ line: 3, field: 'kind', message: 'must be student, staff or visitor' }]);
  assert.equal(controller.allowlist.size, 0);
  const ok = await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers,
    payload: 'id,name,kind,class,card,groups\ns1,张三,student,初一(1)班,12,students\ns2,李四,staff,,13,\n',
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(controller.allowlist.byCard('12')!.name, '张三');
  const csv = await app.inject({ url: '/api/cardholders/export', headers: { cookie: s.cookie } });
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  assert.match(csv.body, /s1,张三,student,初一\(1\)班,12,,,true,students/);
  const found = await app.inject({ url: '/api/cardholders?q=初一', headers: { cookie: s.cookie } });
  assert.deepEqual(
    found.json().map((c: { id: string }) => c.id),
    ['s1'],
  );
  const v = await login('viewer');
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/cardholders/import',
        headers: { cookie: v.cookie, 'x-csrf-token': v.csrf, 'content-type': 'text/csv' },
        payload: 'id\n',
      })
    ).statusCode,
    403,
  );
  const g = await login('guard');
  const open = await app.inject({
    method: 'POST',
    url: '/api/access/gates/nowhere/open',
    headers: { cookie: g.cookie, 'x-csrf-token': g.csrf },
    payload: { direction: 'in' },
  });
  assert.equal(open.statusCode, 400);
  // In the asker's language (Chinese unless the browser asks for English), with the key to translate.
  assert.deepEqual(
    [open.json().error, open.json().code, open.json().params],
    ['无此闸机"nowhere"', 'gate.unknown', { gate: 'nowhere' }],
  );
  const english = await app.inject({
    method: 'POST',
    url: '/api/access/gates/nowhere/open',
    headers: { cookie: g.cookie, 'x-csrf-token': g.csrf, 'accept-language': 'en-GB,en;q=0.8' },
    payload: { direction: 'sideways' },
  });
  assert.equal(english.statusCode, 400);
  assert.deepEqual(
    [english.json().error, english.json().code],
    ['body.direction must be one of in, out', 'invalid.enum'],
    'a schema refusal is a message too',
  );
});

test("CSV import as schools make it: GBK from Excel, a card that is someone else's refused with its line, counts that say what changed", async () => {
  const s = await login('admin');
  const post = (payload: string | Buffer, type = 'text/csv') =>
    app.inject({
      method: 'POST',
      url: '/api/cardholders/import',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': type },
      payload,
    });
  const gbk = (text: string) =>
    // Excel on Chinese Windows: GBK bytes. Encoded here by hand for the two names used.
    Buffer.concat(
      [...text].map((ch) =>
        ch === '赵' ? Buffer.from([0xd5, 0xd4]) : ch === '钱' ? Buffer.from([0xc7, 0xae]) : Buffer.from(ch, 'latin1'),
      ),
    );
  const first = await post(gbk('id,name,kind,card\nq1,赵,student,7001\nq2,钱,student,7002\n'));
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().encoding, 'gb18030');
  assert.deepEqual((({ added, updated, unchanged }) => ({ added, updated, unchanged }))(first.json().result), {
    added: 2,
    updated: 0,
    unchanged: 0,
  });
  assert.equal(controller.allowlist.byCard('7001')!.name, '赵');

  // q3 takes q1's card: refused with its line, and q1 is still there.
  const taken = await post('id,name,kind,card\nq3,孙,student,7001\n');
  assert.equal(taken.statusCode, 400);
  assert.deepEqual(taken.json().problems, [
    {
      line: 2,
      field: 'card',
      message: 'card 7001 belongs to q1; give q1 another card in this file, or erase them first (该卡已属于他人)',
    },
  ]);
  assert.equal(controller.allowlist.byCard('7001')!.id, 'q1');
  // A card may move when the same file gives its holder another one.
  const moved = await post('id,name,kind,card\nq3,孙,student,7001\nq1,赵,student,7009\nq2,钱,student,7002\n');
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual((({ added, updated, unchanged }) => ({ added, updated, unchanged }))(moved.json().result), {
    added: 1,
    updated: 1,
    unchanged: 1,
  });

  // An explicit charset is obeyed; bytes that are not that charset are refused, not stored as mojibake.
  const latin = await post(Buffer.from([0x69, 0x64, 0x0a, 0xff, 0xfe, 0x0a]), 'text/csv; charset=utf-8');
  assert.equal(latin.statusCode, 400);
  assert.match(latin.json().problems[0].message, /not valid utf-8/);
  // A client that read GBK as UTF-8 sends U+FFFD for every name: refused, not stored.
  const lost = await post('id,name,kind,card\nq8,\ufffd\ufffd,student,7008\n');
  assert.equal(lost.statusCode, 400);
  assert.match(lost.json().problems[0].message, /unreadable characters/);
});

test('personal data per role: viewers see no names, cards or audit; guards see people but masked cards and no audit; every read is audited', async () => {
  const admin = await login('admin');
  await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
    payload: 'id,name,kind,class,card\np77,王小明,student,初二(3)班,88776655\n',
  });
  await controller.pipeline.ingest({
    topic: 'events/access',
    type: 'access.granted',
    source: 'reader-x',
    data: { gate: 'g', cardholderId: 'p77', card: null },
  });
  const sessions = new Map<Role, { cookie: string; csrf: string }>();
  const as = async (role: Role) => sessions.get(role) ?? sessions.set(role, await login(role)).get(role)!;
  const events = async (role: Role, query = '') => {
    const s = await as(role);
    const res = await app.inject({ url: `/api/events?limit=500${query}`, headers: { cookie: s.cookie } });
    return {
      status: res.statusCode,
      list:
        res.statusCode === 200 ? (res.json() as { topic: string; type: string; data: Record<string, unknown> }[]) : [],
    };
  };
  const viewer = await events('viewer');
  assert.ok(viewer.list.length > 0);
  assert.ok(
    viewer.list.every((e) => e.topic !== 'events/audit' && e.topic !== 'cmd-result'),
    'no audit trail through the event search',
  );
  assert.equal(viewer.list.find((e) => e.type === 'access.granted')!.data.cardholderId, '[hidden]');
  assert.doesNotMatch(JSON.stringify(viewer.list), /p77|王小明|88776655/);
  assert.equal(
    (await events('viewer', '&q=p77')).list.length,
    0,
    'a viewer cannot find a person by searching for them',
  );
  const guard = await events('guard', '&q=p77');
  assert.equal(guard.list.find((e) => e.type === 'access.granted')!.data.cardholderId, 'p77');
  assert.ok(guard.list.every((e) => e.topic !== 'events/audit'));
  assert.equal((await events('auditor')).status, 403, 'the auditor reads the audit, nothing else');

  const g = await as('guard');
  const roster = (await app.inject({ url: '/api/cardholders?q=王小明', headers: { cookie: g.cookie } })).json();
  assert.equal(roster[0].card, '****6655', 'a guard sees whose card it is, not the number to clone it');
  assert.equal(
    (await app.inject({ url: '/api/cardholders?q=88776655', headers: { cookie: g.cookie } })).json().length,
    0,
  );
  for (const role of ['viewer', 'installer', 'auditor'] as Role[]) {
    const s = await as(role);
    for (const url of ['/api/cardholders', '/api/attendance?day=2026-12-01', '/api/cardholders/export']) {
      assert.equal((await app.inject({ url, headers: { cookie: s.cookie } })).statusCode, 403, `${role} ${url}`);
    }
  }
  const a = await as('auditor');
  const audit = (await app.inject({ url: '/api/audit?limit=50', headers: { cookie: a.cookie } })).json() as {
    actor: string;
    command: string;
  }[];
  assert.ok(
    audit.some((r) => r.actor === 'guard1' && r.command === 'cardholders.read'),
    'who read the roster is in the audit',
  );
});

test("a person's history by name, card or id over school days; attendance by day, class and month, absentees included", async () => {
  const admin = await login('admin');
  await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
    payload:
      'id,name,kind,class,card\nh1,陈小红,student,初三(1)班,61000001\nh2,陈小兰,student,初三(1)班,61000002\nh3,刘强,student,初三(2)班,61000003\n',
  });
  const zone = controller.site.config.school.timezone;
  const today = localTime(Date.now(), zone).date;
  for (const type of ['access.granted', 'access.passage'])
    await controller.pipeline.ingest({
      topic: 'events/access',
      type,
      source: 'reader-h',
      data: { gate: 'gate-h', cardholderId: 'h1', direction: 'in' },
    });
  controller.allowlist.recordPassage(Date.now(), today, 'h1', 'gate-h', 'in');
  controller.allowlist.recordPassage(Date.now() - 40 * 86_400_000, '2026-10-09', 'h3', 'gate-h', 'in');
  const g = await login('guard');
  const get = async (url: string) => {
    const r = await app.inject({ url, headers: { cookie: g.cookie, 'accept-language': 'zh-CN' } });
    return { status: r.statusCode, body: r.json() };
  };
  const history = (who: string, from = today, to = today) =>
    get(`/api/people/history?who=${encodeURIComponent(who)}&from=${from}&to=${to}`);

  for (const who of ['陈小红', '61000001', 'h1']) {
    const r = await history(who);
    assert.deepEqual(
      r.body.events.map((e: { type: string }) => e.type),
      ['access.passage', 'access.granted'],
      who,
    );
    assert.equal(r.body.matches[0].card, '61000001');
  }
  const two = await history('陈小');
  assert.deepEqual(two.body.matches.map((m: { id: string }) => m.id).sort(), ['h1', 'h2']);
  assert.equal(two.body.events.length, 0, 'two people match: nobody is shown until one is chosen');
  assert.equal((await history('h1', '2026-01-01', '2026-01-31')).body.events.length, 0, 'outside the dates');
  const reversed = await history('h1', today, '2026-01-01');
  assert.equal(reversed.status, 400);
  assert.equal(reversed.body.error, '开始日期晚于结束日期');

  const day = await get(`/api/attendance/report?kind=day&date=${today}&class=${encodeURIComponent('初三(1)班')}`);
  assert.deepEqual(
    day.body.rows.map((r: { id: string; present: boolean }) => [r.id, r.present]),
    [
      ['h1', true],
      ['h2', false],
    ],
  );
  const classes = await get(`/api/attendance/report?kind=class&date=${today}`);
  const c3 = classes.body.rows.find((r: { class: string }) => r.class === '初三(1)班');
  assert.deepEqual([c3.enrolled, c3.present, c3.absentees], [2, 1, ['陈小兰']]);
  const month = await get('/api/attendance/report?kind=month&date=2026-10');
  const h3 = month.body.rows.find((r: { id: string }) => r.id === 'h3');
  assert.equal(month.body.schoolDays.length, 22, 'October 2026 has 22 weekdays and no holidays in this list');
  assert.deepEqual([h3.present, h3.absent], [1, 21]);
  assert.equal((await get('/api/attendance/report?kind=month&date=2026-10-01')).status, 400);
  assert.equal((await get('/api/attendance/report?kind=day&date=2026-10')).body.code, 'report.day');

  const v = await login('viewer');
  for (const url of [
    `/api/people/history?who=h1&from=${today}&to=${today}`,
    `/api/attendance/report?kind=day&date=${today}`,
  ])
    assert.equal((await app.inject({ url, headers: { cookie: v.cookie } })).statusCode, 403, url);
  const auditor = await login('auditor');
  const audit = (await app.inject({ url: '/api/audit?limit=50', headers: { cookie: auditor.cookie } })).json() as {
    command: string;
  }[];
  assert.ok(audit.some((r) => r.command === 'people.history'));
  assert.ok(audit.some((r) => r.command === 'attendance.report'));
});

test('floor plans: admins upload pictures and place devices; SVG and unknown devices refused; everyone sees them', async () => {
  const admin = await login('admin');
  const png = Buffer.alloc(64);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(png);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(1600, 16);
  png.writeUInt32BE(900, 20);
  const upload = (
    body: Buffer | string,
    type: string,
    who = admin,
    query = 'building=%E6%95%99%E5%AD%A6%E6%A5%BC&floor=1F',
  ) =>
    app.inject({
      method: 'POST',
      url: `/api/plans?${query}`,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': type },
      payload: body,
    });
  const ok = await upload(png, 'image/png');
  assert.equal(ok.statusCode, 200, ok.body);
  const id = ok.json().result.id as number;
  assert.deepEqual([ok.json().result.building, ok.json().result.width], ['教学楼', 1600]);
  const svg = await upload('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', 'image/png');
  assert.equal(svg.statusCode, 400);
  assert.equal(svg.json().code, 'plan.not-image');
  assert.equal((await upload('<svg/>', 'image/svg+xml')).statusCode, 415, 'SVG is not even read');
  const guard = await login('guard');
  assert.equal((await upload(png, 'image/png', guard)).statusCode, 403);

  const place = (markers: unknown) =>
    app.inject({
      method: 'PUT',
      url: `/api/plans/${id}/markers`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { markers },
    });
  const ghost = await place([{ device: 'nowhere', x: 0.5, y: 0.5 }]);
  assert.equal(ghost.statusCode, 400);
  assert.equal(ghost.json().code, 'plan.unknown-device');
  assert.equal((await place([{ device: 'x', x: 1.5, y: 0 }])).statusCode, 400, 'off the picture');
  const list = (await app.inject({ url: '/api/plans', headers: { cookie: guard.cookie } })).json();
  assert.equal(list.plans[0].id, id);
  assert.deepEqual(list.plans[0].markers, []);
  const image = await app.inject({ url: `/api/plans/${id}/image`, headers: { cookie: guard.cookie } });
  assert.equal(image.headers['content-type'], 'image/png');
  assert.equal(image.rawPayload.length, 64);
  const gone = await app.inject({
    method: 'DELETE',
    url: `/api/plans/${id}`,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
  });
  assert.equal(gone.statusCode, 200);
  assert.equal(
    (await app.inject({ url: `/api/plans/${id}/image`, headers: { cookie: guard.cookie } })).statusCode,
    404,
  );
});

test('console files: compressed ahead of time, hashed scripts kept for a year, the page asked again each time', async () => {
  const page = await app.inject({ url: '/', headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['content-encoding'], 'br');
  assert.equal(page.headers['cache-control'], 'no-cache');
  const plain = await app.inject({ url: '/' });
  const script = /src="\/(app-[A-Z0-9]{8}\.js)"/.exec(plain.body)?.[1];
  assert.ok(script, plain.body);
  const js = await app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'gzip' } });
  assert.equal(js.headers['content-encoding'], 'gzip');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  // The first paint's script: the entry and the chunks its page preloads; the other pages come when opened.
  let firstLoad = Number(js.headers['content-length']);
  for (const [, chunk] of plain.body.matchAll(/rel="modulepreload" href="\/(chunk-[A-Z0-9]{8}\.js)"/g)) {
    const c = await app.inject({ url: `/${chunk}`, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(c.headers['cache-control'], 'public, max-age=31536000, immutable');
    firstLoad += Number(c.headers['content-length']);
  }
  assert.ok(firstLoad < 40_000, `${firstLoad} bytes gzipped`);
});

test('bodies are read only after authorization, and each route takes only as much as it needs', async () => {
  const big = `id,name,kind,card\n${Array.from({ length: 20_001 }, (_, i) => `x${i},名${i},student,${500000 + i}`).join('\n')}\n`;
  const anon = await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers: { 'content-type': 'text/csv' },
    payload: big,
  });
  assert.equal(anon.statusCode, 401, 'nobody unknown makes the controller parse a file');
  const admin = await login('admin');
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
  const tooMany = await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: big,
  });
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.json().problems[0].message, /more than 20000 cardholders/);
  const huge = await app.inject({
    method: 'POST',
    url: '/api/cardholders/import',
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: 'x'.repeat(5 * 1024 * 1024),
  });
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json().code, 'body.too-large');
  const form = await app.inject({
    method: 'POST',
    url: '/api/commands/pa.play',
    headers: { ...headers, 'accept-language': 'en' },
    payload: { text: 'x'.repeat(100_000) },
  });
  assert.equal(form.statusCode, 413);
  assert.match(form.json().error, /larger than this route takes \(65536 bytes\)/);
});

test('an account locks after five failures from any mix of addresses; the lockout is an alarm and audited; an admin unlocks it', async () => {
  await controller.users.add('locky', 'guard', PASSWORD);
  const codes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'locky', password: `Wrong password ${i}` },
      remoteAddress: `10.7.${i}.1`,
    });
    codes.push(res.json().code);
  }
  assert.deepEqual(codes, [
    'auth.wrong-password',
    'auth.wrong-password',
    'auth.wrong-password',
    'auth.wrong-password',
    'auth.locked',
    'auth.locked',
  ]);
  const right = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'locky', password: PASSWORD },
    remoteAddress: '10.7.9.1',
  });
  assert.equal(right.json().code, 'auth.locked', 'the right password does not open a locked account');
  controller.pipeline.flush();
  assert.ok(controller.alarms.openAlarms().some((a) => a.key === 'user.locked:locky' && a.severity === 'major'));
  const audit = controller.commands.recentAudit(20) as { actor: string; command: string; ok: number }[];
  assert.ok(audit.some((a) => a.actor === 'locky' && a.command === 'login.locked'));
  assert.equal(
    audit.filter((a) => a.actor === 'locky' && a.command === 'login.failed').length,
    6,
    'every refusal is in the audit: 4 wrong, 2 while locked',
  );
  const admin = await login('admin');
  const unlock = await app.inject({
    method: 'POST',
    url: '/api/users/locky/unlock',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
  });
  assert.equal(unlock.statusCode, 200, unlock.body);
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: 'locky', password: PASSWORD },
        remoteAddress: '10.7.9.2',
      })
    ).statusCode,
    200,
  );
});

test('passwords: three kinds of character, a reset forces a change at the next login, the last five cannot come back', async () => {
  const admin = await login('admin');
  const h = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
  const weak = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: h,
    payload: { username: 'weakling', role: 'guard', password: 'alllowercase' },
  });
  assert.match(weak.json().error, /three of: lower case, upper case, digits/);
  await controller.users.add('resetme', 'guard', PASSWORD);
  const reset = await app.inject({ method: 'POST', url: '/api/users/resetme/reset', headers: h });
  const temporary = reset.json().result.password as string;
  assert.equal(typeof temporary, 'string');
  const audited = controller.commands.recentAudit(5) as { command: string; result: string }[];
  assert.doesNotMatch(
    audited.find((a) => a.command === 'user.reset-password')!.result,
    new RegExp(temporary),
    'the one-time password is not in the audit',
  );
  const first = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'resetme', password: temporary },
    remoteAddress: '10.6.0.1',
  });
  assert.deepEqual(first.json().setup, ['password']);
  const cookie = `ce_session=${first.cookies.find((c) => c.name === 'ce_session')!.value}`;
  const s = { cookie, 'x-csrf-token': first.json().csrf };
  assert.equal(
    (await app.inject({ url: '/api/alarms', headers: s })).json().code,
    'auth.setup-required',
    'nothing before the new password',
  );
  let current = temporary;
  for (const next of [
    'Second password 2',
    'Third password 3',
    'Fourth password 4',
    'Fifth password 5',
    'Sixth password 6',
  ]) {
    const r = await app.inject({ method: 'PUT', url: '/api/session/password', headers: s, payload: { current, next } });
    assert.equal(r.statusCode, 200, r.body);
    current = next;
  }
  const again = await app.inject({
    method: 'PUT',
    url: '/api/session/password',
    headers: s,
    payload: { current, next: 'Third password 3' },
  });
  assert.match(again.json().error, /differ from the last 5/);
  assert.equal(
    (await app.inject({ url: '/api/alarms', headers: s })).statusCode,
    200,
    'a changed password opens the console',
  );
});

test('sessions: a cap per user, my own list, and log out everywhere', async () => {
  await controller.users.add('many', 'viewer', PASSWORD);
  const cookies: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'many', password: PASSWORD },
      remoteAddress: `10.5.${i}.1`,
      headers: { 'user-agent': `browser ${i}` },
    });
    cookies.push(`ce_session=${r.cookies.find((c) => c.name === 'ce_session')!.value}`);
  }
  assert.equal(
    (await app.inject({ url: '/api/alarms', headers: { cookie: cookies[0]! } })).statusCode,
    401,
    'past three sessions the oldest ends',
  );
  const list = (await app.inject({ url: '/api/session/list', headers: { cookie: cookies[3]! } })).json() as {
    current: boolean;
    userAgent: string;
  }[];
  assert.equal(list.length, 3);
  assert.deepEqual(
    list.filter((x) => x.current).map((x) => x.userAgent),
    ['browser 3'],
  );
  const csrf = (await app.inject({ url: '/api/session', headers: { cookie: cookies[3]! } })).json().csrf;
  assert.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/session/logout-everywhere',
        headers: { cookie: cookies[3]!, 'x-csrf-token': csrf },
      })
    ).json().ended,
    3,
  );
  for (const c of cookies)
    assert.equal((await app.inject({ url: '/api/alarms', headers: { cookie: c } })).statusCode, 401);
});
