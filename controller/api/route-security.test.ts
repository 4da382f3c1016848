/**
 * The security review of the console API: every route's access rule is listed here, and a new
 * route fails this test until it is reviewed. Each rule is then enforced for every role, for a
 * caller without a session, and for mutating requests without the CSRF token.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadSite } from '../config/load-site.ts';
import { createLogger } from '../core/logger.ts';
import { may, type Permission, type Role, roles } from '../core/roles.ts';
import { Controller } from '../runtime.ts';
import { tempDir, writeSite } from '../../hil-tests/lib/site-fixture.ts';
import { routeCatalog } from './route-catalog.ts';
import { buildApi } from './server.ts';

const review: Record<string, 'public' | Permission> = {
  'POST /api/session': 'public', 'GET /api/session': 'view', 'DELETE /api/session': 'view',
  'GET /api/health': 'public', 'GET /api/openapi.json': 'public',
  // The console's own files and a class board's kiosk page (its URL carries the board's key).
  'GET /*': 'public', 'GET /board/:id': 'public', 'GET /board-live/:id': 'public',
  'GET /api/alarms': 'view', 'POST /api/alarms/:id/ack': 'alarm.ack', 'GET /api/snapshots/*': 'view',
  'GET /api/events': 'view', 'GET /api/audit': 'config',
  'GET /api/devices': 'view', 'GET /api/rooms': 'view', 'GET /api/rooms/:room/series': 'view',
  'GET /api/site': 'view', 'GET /api/uplink': 'view', 'GET /api/live': 'view',
  'GET /api/users': 'users.manage', 'POST /api/users': 'users.manage', 'PUT /api/users/:username/disabled': 'users.manage',
  'GET /api/access/gates': 'view', 'POST /api/access/gates/:id/open': 'gate.operate', 'PUT /api/access/gates/:id/mode': 'gate.operate',
  'GET /api/access/readers': 'view', 'POST /api/access/readers/:id/keyset': 'devices.commission',
  'GET /api/cardholders': 'view', 'POST /api/cardholders': 'config', 'POST /api/cardholders/import': 'config', 'GET /api/cardholders/export': 'config',
  'GET /api/attendance': 'view',
  'GET /api/cameras': 'view', 'GET /api/cameras/discover': 'devices.commission', 'GET /api/cameras/:id/snapshot': 'view',
  'GET /api/cameras/:id/presets': 'view', 'POST /api/cameras/:id/ptz': 'gate.operate', 'GET /api/cameras/:id/live': 'view',
  'GET /api/boards': 'config',
  'POST /api/commands/scenario.start': 'gate.operate', 'POST /api/commands/pa.play': 'pa.announce', 'POST /api/commands/pa.stop': 'pa.announce',
  'POST /api/commands/board.notice': 'pa.announce', 'POST /api/commands/bells.activate': 'config', 'POST /api/commands/bells.save': 'config',
  'POST /api/commands/emergency.reset': 'alarm.ack', 'POST /api/commands/emergency.test-mode': 'alarm.ack',
  'GET /api/emergency': 'view',
};

const t = tempDir('route-security');
let controller: Controller;
let app: FastifyInstance;
const sessions = new Map<Role, { cookie: string; csrf: string }>();

before(async () => {
  controller = new Controller(loadSite(await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1' } })), createLogger('silent'));
  for (const role of roles) await controller.users.add(`${role}1`, role, 'correct horse battery');
  app = await buildApi(controller.apiDeps());
  for (const [i, role] of roles.entries()) {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: `${role}1`, password: 'correct horse battery' }, remoteAddress: `10.0.1.${i + 1}` });
    sessions.set(role, { cookie: `ce_session=${res.cookies.find((c) => c.name === 'ce_session')!.value}`, csrf: res.json().csrf });
  }
});
after(async () => { await app.close(); controller.db.close(); t.remove(); });

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const concrete = (url: string) => url.replace(/:[a-z]+/g, 'x').replace('*', 'x');
const guarded = () => routeCatalog(app).filter((r) => review[key(r)] !== 'public' && !(r.method === 'DELETE' && r.url === '/api/session'));

test('every route is in the security review, with the access rule the review gives it', () => {
  const found = Object.fromEntries(routeCatalog(app).map((r) => [key(r), r.access]));
  assert.deepEqual(Object.keys(found).sort(), Object.keys(review).sort(), 'a route was added or removed: review its access rule here');
  for (const [route, access] of Object.entries(review)) assert.equal(found[route], access, route);
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
      const res = await app.inject({ method: r.method as 'GET', url: concrete(r.url), headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(r.method === 'GET' ? {} : { payload: {} }) });
      const allowed = may(role, review[key(r)] as Permission);
      if (allowed) assert.ok(![401, 403].includes(res.statusCode), `${role} may ${key(r)} but got ${res.statusCode}: ${res.body}`);
      else assert.equal(res.statusCode, 403, `${role} may not ${key(r)} but got ${res.statusCode}`);
      checked++;
    }
  }
  console.log(`# ${checked} role and route pairs checked (${roles.length} roles, ${guarded().length} guarded routes)`);
});

test('a mutating request without the session\'s CSRF token is refused on every route', async () => {
  const admin = sessions.get('admin')!;
  for (const r of guarded().filter((x) => x.method !== 'GET')) {
    for (const token of [undefined, 'forged']) {
      const res = await app.inject({ method: r.method as 'POST', url: concrete(r.url), headers: { cookie: admin.cookie, ...(token ? { 'x-csrf-token': token } : {}) }, payload: {} });
      assert.equal(res.statusCode, 403, `${key(r)} with token ${token}`);
      assert.match(res.json().error, /CSRF/);
    }
  }
});
