/**
 * The security review of the console API: every route's access rule is listed here, and a new
 * route fails this test until it is reviewed. Each rule is then enforced for every role, for a
 * caller without a session, for mutating requests without the CSRF token, and for every way of
 * spelling the route's path.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { loadSite } from '../config/load-site.ts';
import { createLogger } from '../core/logger.ts';
import { may, type Permission, type Role, roles } from '../core/roles.ts';
import { Controller } from '../runtime.ts';
import { tempDir, writeSite } from '../../hil-tests/lib/site-fixture.ts';
import type { Access } from './auth.ts';
import { routeCatalog } from './route-catalog.ts';
import { buildApi } from './server.ts';

const review: Record<string, Access> = {
  'POST /api/session': 'public',
  'GET /api/session': 'session',
  'DELETE /api/session': 'session',
  'GET /api/health': 'public',
  'GET /api/openapi.json': 'public',
  // The console's own files and a class board's kiosk page (its URL carries the board's key).
  'GET /': 'public',
  'GET /*': 'public',
  'GET /board/:id': 'public',
  'GET /board-live/:id': 'public',
  'GET /api/alarms': 'view',
  'POST /api/alarms/:id/ack': 'alarm.ack',
  'POST /api/alarms/ack': 'alarm.ack',
  'GET /api/snapshots/*': 'view',
  'GET /api/clips/*': 'view',
  'GET /api/zones': 'view',
  'POST /api/talkback/:alarmId/hangup': 'alarm.ack',
  'POST /api/zones/arm': 'gate.operate',
  'POST /api/zones/disarm': 'gate.operate',
  'POST /api/zones/:id/bypass': 'gate.operate',
  'GET /api/events': 'view',
  'GET /api/audit': 'audit.read',
  'GET /api/devices': 'view',
  'GET /api/rooms': 'view',
  'GET /api/rooms/:room/series': 'view',
  'GET /api/site': 'session',
  'GET /api/uplink': 'view',
  'GET /api/live': 'view',
  'GET /api/users': 'users.manage',
  'POST /api/users': 'users.manage',
  'PUT /api/users/:username/disabled': 'users.manage',
  'PUT /api/users/:username/role': 'users.manage',
  'POST /api/users/:username/reset': 'users.manage',
  'POST /api/users/:username/unlock': 'users.manage',
  'DELETE /api/users/:username/totp': 'users.manage',
  'GET /api/session/list': 'session',
  'POST /api/session/logout-everywhere': 'session',
  'PUT /api/session/password': 'session',
  'POST /api/session/totp': 'session',
  'PUT /api/session/totp': 'session',
  'GET /api/access/gates': 'view',
  'POST /api/access/gates/:id/open': 'gate.operate',
  'PUT /api/access/gates/:id/mode': 'gate.operate',
  'GET /api/access/readers': 'view',
  'POST /api/access/readers/:id/keyset': 'devices.commission',
  'GET /api/cardholders': 'people.read',
  'POST /api/cardholders': 'people.manage',
  'POST /api/cardholders/import': 'people.manage',
  'GET /api/cardholders/export': 'people.manage',
  'DELETE /api/cardholders/:id': 'people.manage',
  'GET /api/attendance': 'people.read',
  'GET /api/attendance/report': 'people.read',
  'GET /api/people/history': 'people.read',
  'GET /api/commission': 'devices.commission',
  'GET /api/plans': 'view',
  'GET /api/plans/:id/image': 'view',
  'POST /api/plans': 'config',
  'PUT /api/plans/:id/markers': 'config',
  'DELETE /api/plans/:id': 'config',
  'GET /api/commission/record': 'devices.commission',
  'POST /api/commission/:id/test': 'devices.commission',
  'POST /api/commission/tests/:id/verdict': 'devices.commission',
  'GET /api/cameras': 'view',
  'GET /api/cameras/discover': 'devices.commission',
  'GET /api/cameras/:id/snapshot': 'view',
  'GET /api/cameras/:id/presets': 'view',
  'POST /api/cameras/:id/ptz': 'gate.operate',
  'GET /api/cameras/:id/live': 'view',
  'GET /api/boards': 'config',
  'POST /api/commands/scenario.start': 'gate.operate',
  'POST /api/commands/pa.play': 'pa.announce',
  'POST /api/commands/pa.stop': 'pa.announce',
  'POST /api/commands/board.notice': 'pa.announce',
  'POST /api/commands/bells.activate': 'config',
  'POST /api/commands/bells.save': 'config',
  'POST /api/commands/emergency.reset': 'alarm.ack',
  'POST /api/commands/emergency.test-mode': 'alarm.ack',
  'GET /api/emergency': 'view',
  'GET /api/scenario': 'view',
  'GET /api/scenarios': 'view',
  'GET /api/shift': 'shift.log',
  'POST /api/shift/notes': 'shift.log',
};

const t = tempDir('route-security');
let controller: Controller;
let app: FastifyInstance;
const sessions = new Map<Role, { cookie: string; csrf: string }>();
/** Requests that got past authorization, as the test's hook after it saw them. */
let passed: { access: Access | undefined; role: Role | null; url: string; method: string }[] = [];

before(async () => {
  controller = new Controller(
    loadSite(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:1' },
        console: { listen: '127.0.0.1', port: 0, hosts: ['gw.school.example'] },
      }),
    ),
    createLogger('silent'),
  );
  for (const role of roles) await controller.users.add(`${role}1`, role, 'Correct horse battery');
  app = await buildApi(controller.apiDeps());
  // Runs after the auth hook, before any body is read: what reaches it was let through.
  app.addHook('preParsing', async (req, reply) => {
    if (req.headers['x-probe'] !== '1') return;
    passed.push({
      access: req.routeOptions.config.access,
      role: req.session?.role ?? null,
      url: req.url,
      method: req.method,
    });
    return reply.code(299).send();
  });
  for (const [i, role] of roles.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: `${role}1`, password: 'Correct horse battery' },
      remoteAddress: `10.0.1.${i + 1}`,
    });
    sessions.set(role, {
      cookie: `ce_session=${res.cookies.find((c) => c.name === 'ce_session')!.value}`,
      csrf: res.json().csrf,
    });
  }
});
after(async () => {
  await app.close();
  controller.db.close();
  t.remove();
});

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const concrete = (url: string) => url.replace(/:[a-z]+/g, 'x').replace('*', 'x');
const guarded = () => routeCatalog(app).filter((r) => r.access !== 'public');
const allowed = (role: Role, access: Access) => access === 'session' || may(role, access as Permission);

const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Ways to write one path that a router, a proxy or a file server might take for the same thing. */
export function spellings(path: string): string[] {
  const out = new Set<string>([path]);
  for (let i = 0; i < path.length; i++) {
    out.add(path.slice(0, i) + pct(path[i]!) + path.slice(i + 1));
    out.add(path.slice(0, i) + pct(path[i]!).toLowerCase() + path.slice(i + 1));
  }
  out.add([...path].map(pct).join(''));
  out.add(path.toUpperCase());
  out.add(path.replace(/\/([a-z])/g, (_, c: string) => `/${c.toUpperCase()}`));
  const slashes = [...path.matchAll(/\//g)].map((m) => m.index!);
  for (const at of slashes) {
    const [head, tail] = [path.slice(0, at), path.slice(at + 1)];
    out.add(`${head}//${tail}`);
    out.add(`${head}/./${tail}`);
    out.add(`${head}/%2e/${tail}`);
    out.add(`${head}/x/../${tail}`);
    out.add(`${head}/x/%2e%2e/${tail}`);
    out.add(`${head}/x/..%2f${tail}`);
    if (at > 0) out.add(`${head}\\${tail}`);
    if (at > 0) out.add(`${head};x=1/${tail}`);
  }
  for (const suffix of ['/', '//', ';x=1', ';', '%00', '%20', '.', '/.', '?x=1', '?', '#x']) out.add(path + suffix);
  out.add(`//${path.slice(1)}`);
  out.add(`/x/..${path}`);
  return [...out];
}

test('every route is in the security review, with the access rule the review gives it', () => {
  const found = Object.fromEntries(routeCatalog(app).map((r) => [key(r), r.access]));
  assert.deepEqual(
    Object.keys(found).sort(),
    Object.keys(review).sort(),
    'a route was added or removed: review its access rule here',
  );
  for (const [route, access] of Object.entries(review)) assert.equal(found[route], access, route);
});

test('a route without an access rule stops the console from starting', async () => {
  const bare = (await import('fastify')).default();
  const { catalogRoutes } = await import('./route-catalog.ts');
  catalogRoutes(bare, (name) => (name === 'gate.open' ? 'gate.operate' : undefined));
  // A route that runs a command takes the command's permission, and one naming no command cannot be added.
  bare.post('/api/open', { config: { command: 'gate.open' } }, async () => 'opened');
  assert.throws(
    () => bare.post('/api/typo', { config: { command: 'gate.opne' } }, async () => ''),
    /no command "gate.opne"/,
  );
  const { routeCatalog } = await import('./route-catalog.ts');
  assert.equal(routeCatalog(bare).find((r) => r.url === '/api/open')?.access, 'gate.operate');
  bare.get('/api/forgotten', async () => 'open');
  await assert.rejects(async () => {
    await bare.ready();
  }, /routes without an access rule: GET,HEAD \/api\/forgotten|GET \/api\/forgotten/);
});

test('without a session every guarded route answers 401', async () => {
  for (const r of guarded()) {
    const res = await app.inject({ method: r.method as 'GET', url: concrete(r.url) });
    assert.equal(res.statusCode, 401, `${key(r)}: ${res.body}`);
  }
});

test('each role reaches exactly the routes its permissions allow', async () => {
  let checked = 0;
  for (const role of roles) {
    const s = sessions.get(role)!;
    for (const r of guarded()) {
      const res = await app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'x-probe': '1' },
      });
      if (allowed(role, r.access))
        assert.equal(res.statusCode, 299, `${role} may ${key(r)} but got ${res.statusCode}: ${res.body}`);
      else assert.equal(res.statusCode, 403, `${role} may not ${key(r)} but got ${res.statusCode}`);
      checked++;
    }
  }
  console.log(`# ${checked} role and route pairs checked (${roles.length} roles, ${guarded().length} guarded routes)`);
});

test("no spelling of any route's path, in any method, lets a caller past a rule it does not meet", async () => {
  passed = [];
  const callers: (Role | null)[] = [null, ...roles];
  let sent = 0;
  for (const r of routeCatalog(app)) {
    for (const url of spellings(concrete(r.url))) {
      for (const method of [r.method, 'HEAD', 'OPTIONS'] as const) {
        for (const role of callers) {
          const s = role ? sessions.get(role)! : null;
          await app.inject({
            method: method as 'GET',
            url,
            headers: { 'x-probe': '1', ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) },
          });
          sent++;
        }
      }
    }
  }
  const wrong = passed.filter(
    (p) => p.access !== 'public' && (p.role === null || p.access === undefined || !allowed(p.role, p.access)),
  );
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} requests got past authorization they should not have`);
  // The check can fail: the real spellings of guarded routes do get through for a role that may use them.
  assert.ok(passed.some((p) => p.access === 'people.read' && p.role === 'guard'));
  console.log(
    `# ${sent} requests (${routeCatalog(app).length} routes, every spelling, 3 methods, ${callers.length} callers); ${passed.length} let through, all allowed`,
  );
});

test("a mutating request without the session's CSRF token is refused on every route", async () => {
  const admin = sessions.get('admin')!;
  for (const r of guarded().filter((x) => x.method !== 'GET')) {
    for (const token of [undefined, 'forged']) {
      const res = await app.inject({
        method: r.method as 'POST',
        url: concrete(r.url),
        headers: { cookie: admin.cookie, ...(token ? { 'x-csrf-token': token } : {}) },
        payload: {},
      });
      assert.equal(res.statusCode, 403, `${key(r)} with token ${token}`);
      assert.equal(res.json().code, 'auth.csrf');
    }
  }
});

test('a Host the console does not answer to is refused on every route, public ones included (DNS rebinding)', async () => {
  const viewer = sessions.get('viewer')!;
  for (const r of routeCatalog(app)) {
    for (const host of [
      'evil.example',
      'evil.example:8080',
      '127.0.0.1.evil.example',
      'localhost@evil.example',
      'localhost:8080:1',
    ]) {
      const res = await app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        headers: { host, cookie: viewer.cookie, 'x-probe': '1' },
      });
      assert.equal(res.statusCode, 421, `${key(r)} with Host ${host}: ${res.statusCode}`);
    }
  }
  for (const host of [
    'localhost',
    'localhost:8080',
    '127.0.0.1:8080',
    '[::1]:8080',
    'GW.school.example',
    'gw.school.example.',
  ]) {
    assert.equal((await app.inject({ url: '/api/health', headers: { host } })).statusCode, 200, host);
  }
  const zh = await app.inject({
    url: '/api/health',
    headers: { host: 'evil.example', 'accept-language': 'zh-CN,zh;q=0.9' },
  });
  assert.match(zh.json().error, /主机名/);
});

test('the live WebSockets open for a session only, whatever the spelling of their path', async () => {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const base = address.replace('http', 'ws');
  const opens = (path: string, cookie?: string) =>
    new Promise<boolean>((resolve) => {
      const ws = new WebSocket(base + path, { headers: cookie ? { cookie } : {} });
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('unexpected-response', () => resolve(false));
      ws.on('error', () => resolve(false));
    });
  let tried = 0;
  for (const path of ['/api/live', '/api/cameras/x/live']) {
    for (const url of spellings(path).filter((u) => u.startsWith('/') && !u.includes('#'))) {
      assert.equal(await opens(url), false, `${url} opened without a session`);
      assert.equal(await opens(url, sessions.get('auditor')!.cookie), false, `${url} opened for the auditor`);
      tried += 2;
    }
  }
  assert.equal(
    await opens('/api/live', sessions.get('viewer')!.cookie),
    true,
    "a viewer's session opens the live feed",
  );
  console.log(`# ${tried} WebSocket upgrades refused`);
});

test('every answer forbids framing, sniffing and referrers; nothing behind a session is cached', async () => {
  const viewer = sessions.get('viewer')!;
  for (const r of routeCatalog(app)) {
    for (const cookie of [undefined, viewer.cookie]) {
      const res = await app.inject({
        method: r.method as 'GET',
        url: concrete(r.url),
        headers: { 'x-probe': '1', ...(cookie ? { cookie } : {}) },
      });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, key(r));
      assert.match(csp, /script-src 'self'(;|$)/, `${key(r)}: no inline script`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      if (r.access !== 'public' || r.url === '/board/:id')
        assert.equal(res.headers['cache-control'], 'no-store', key(r));
    }
  }
  assert.equal(
    (await app.inject({ url: '/api/health' })).headers['strict-transport-security'],
    undefined,
    'HSTS only with TLS',
  );
});
