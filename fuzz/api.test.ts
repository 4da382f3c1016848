/**
 * Fuzzes the REST API: every route in the OpenAPI document gets random path parameters,
 * query strings and bodies from a logged-in admin (with the CSRF token, so the requests get
 * past the gate and into validation and the handlers). No request may cause a server error,
 * and every refusal says why.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { loadSite } from '../controller/config/load-site.ts';
import { createLogger } from '../controller/core/logger.ts';
import { Controller } from '../controller/runtime.ts';
import { buildApi } from '../controller/api/server.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { check, runs } from './fuzz-runs.ts';

const t = tempDir('fuzz-api');
let controller: Controller;
let app: FastifyInstance;
let headers: Record<string, string>;

before(async () => {
  const file = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1' } });
  controller = new Controller(loadSite(file), createLogger('silent'));
  await controller.users.add('admin1', 'admin', 'Correct horse battery');
  app = await buildApi(controller.apiDeps());
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'admin1', password: 'Correct horse battery' },
  });
  headers = {
    cookie: `ce_session=${res.cookies.find((c) => c.name === 'ce_session')!.value}`,
    'x-csrf-token': res.json().csrf,
  };
});
after(async () => {
  await app.close();
  controller.db.close();
  t.remove();
});

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e309',
    'null',
    '../../etc/passwd',
    '%00',
    'admin1',
    '00000000-0000-4000-8000-000000000000',
  ),
);
const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

test('every route answers random input with a result or a clear 4xx, never a server error', async () => {
  const doc = (await app.inject({ url: '/api/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string }[];
          requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
        }
      >
    >;
  };
  const routes = Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
    // Logging out would end the fuzzing session; it is a fixed call with nothing to fuzz.
    .filter((r) => !(r.path === '/api/session' && r.method === 'DELETE'));
  assert.ok(routes.length >= 30, `${routes.length} routes in the OpenAPI document`);
  const perRoute = Math.max(50, Math.round(runs / 10));
  let requests = 0;
  for (const { path, method, op } of routes) {
    const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const bodyKeys = Object.keys(Object.values(op.requestBody?.content ?? {})[0]?.schema.properties ?? {});
    const input = fc.record({
      params: fc.array(text, { minLength: 8, maxLength: 8 }),
      query: fc.dictionary(
        fc.oneof(fc.constantFrom(...(names.length ? names : ['x'])), fc.string({ maxLength: 8 })),
        text,
        { maxKeys: 4 },
      ),
      body: fc.oneof(
        fc.dictionary(
          fc.oneof(fc.constantFrom(...(bodyKeys.length ? bodyKeys : ['x'])), fc.string({ maxLength: 8 })),
          value,
          { maxKeys: 5 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    });
    await check(
      `api ${method} ${path}`,
      input,
      async ({ params, query, body }) => {
        let i = 0;
        const url = path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++]!));
        const res = await app.inject({
          method: method as 'GET',
          url,
          query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
          headers,
          ...(method === 'GET' ? {} : { payload: body as object }),
        });
        requests++;
        assert.ok(res.statusCode < 500, `${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400 && res.headers['content-type']?.toString().includes('json')) {
          assert.ok(
            typeof res.json().error === 'string' && res.json().error.length > 0,
            `${method} ${url}: a refusal says why: ${res.body.slice(0, 200)}`,
          );
        }
      },
      perRoute,
    );
  }
  console.log(`# fuzz api: ${requests} requests over ${routes.length} routes`);
});
