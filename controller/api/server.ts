import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { uiDist } from '../app-files.ts';
import { sitePath } from '../config/load-site.ts';
import type { StoredEvent } from '../core/types.ts';
import type { Role } from '../core/roles.ts';
import { asSeenBy, seesTopic } from './personal-data.ts';
import { authHook, SESSION_COOKIE } from './auth.ts';
import { consoleHosts } from './host-check.ts';
import { securityHeaders } from './security-headers.ts';
import { msg } from './messages.ts';
import { type AjvIssue, validationMessage } from './validation-message.ts';
import { catalogRoutes, publicScope } from './route-catalog.ts';
import type { ApiDeps } from './deps.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { deviceRoutes } from './routes/devices.ts';
import { eventRoutes } from './routes/events.ts';
import { sessionRoutes } from './routes/session.ts';
import { systemRoutes } from './routes/system.ts';

function hasNonFinite(v: unknown, depth = 0): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (!v || typeof v !== 'object' || depth > 8) return false;
  return Object.values(v).some((x) => hasNonFinite(x, depth + 1));
}

/** The console: REST API with its OpenAPI document, a live WebSocket, the built Preact app. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const tls = deps.site.config.console.tls;
  const app = Fastify({
    logger: false,
    // What a command or a form needs; the one route that takes a file says so itself.
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    // With a certificate the console is HTTPS only, and its session cookie is Secure.
    ...(tls
      ? {
          https: {
            cert: readFileSync(sitePath(deps.site, tls.cert)),
            key: readFileSync(sitePath(deps.site, tls.key)),
            // A client certificate is asked for, never required: without one the login wants a TOTP code instead.
            ...(tls.client_ca
              ? { requestCert: true, rejectUnauthorized: false, ca: readFileSync(sitePath(deps.site, tls.client_ca)) }
              : {}),
          },
        }
      : {}),
  }) as unknown as FastifyInstance;
  app.decorateRequest('session', null);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req, ctx) => ({
      statusCode: 429,
      ...msg(req, 'auth.rate-limited', { s: Math.ceil(ctx.ttl / 1000) }),
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'campus-edge console API', version: '1' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.addHook('onRequest', authHook(deps.users, consoleHosts(deps.site.config.console.hosts)));
  // The access log: who asked for what and how it went; bodies, cookies and headers stay out.
  app.addHook('onResponse', async (req, reply) => {
    deps.log.debug(
      {
        method: req.method,
        path: req.routeOptions.url ?? req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        user: req.session?.username ?? null,
        ip: req.ip,
      },
      'api request',
    );
  });
  catalogRoutes(app, (name) => deps.commands.permissionFor(name));
  securityHeaders(app, Boolean(tls));
  // Ajv coerces "1e309" (or JSON's 1e309) to Infinity and lets it through `integer` and `maximum`;
  // no handler wants a number that is not finite.
  app.addHook('preHandler', async (req, reply) => {
    const where = [
      ['query', req.query],
      ['body', req.body],
      ['params', req.params],
    ].find(([, v]) => hasNonFinite(v));
    if (where) return reply.code(400).send(msg(req, 'body.not-finite', { field: String(where[0]) }));
  });
  app.setErrorHandler(
    (
      err: Error & {
        statusCode?: number;
        validation?: unknown;
        validationContext?: string;
        error?: string;
        code?: string;
      },
      req,
      reply,
    ) => {
      if (Array.isArray(err.validation) && err.validation.length) {
        const m = validationMessage(err.validation[0] as AjvIssue, String(err.validationContext ?? 'request'));
        return reply.code(400).send(msg(req, m.code, m.params));
      }
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return reply.code(413).send(msg(req, 'body.too-large', { limit: req.routeOptions.bodyLimit ?? 0 }));
      // A refusal built with msg() (the rate limit's) carries its own text and key.
      if (err.statusCode && err.statusCode < 500)
        return reply.code(err.statusCode).send({ error: err.error ?? err.message, code: err.code });
      deps.log.error({ err: err.message }, 'api error');
      return reply.code(500).send(msg(req, 'internal.error'));
    },
  );

  sessionRoutes(app, deps);
  alarmRoutes(app, deps);
  eventRoutes(app, deps);
  deviceRoutes(app, deps);
  systemRoutes(app, deps);
  for (const routes of deps.featureRoutes) routes(app, deps);
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  liveSocket(app, deps);

  await publicScope(app, async (scope) => {
    if (existsSync(uiDist)) {
      await scope.register(fastifyStatic, {
        root: uiDist,
        prefix: '/',
        // The page is sent by the route below: with pre-compressed files the plugin's own index
        // answers 404 to a browser that accepts Brotli.
        index: false,
        // ui/build.mjs writes each file's Brotli and gzip forms beside it.
        preCompressed: true,
        setHeaders: (reply, path) => {
          // Hashed names change with their content: kept for a year. The pages are asked again each time.
          reply.header(
            'cache-control',
            /-[A-Z0-9]{8}\.(js|css)(\.(br|gz))?$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      scope.get('/', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
    } else
      scope.get('/', async (_req, reply) => reply.type('text/plain').send('console not built: run npm run build:ui'));
  });
  return app;
}

/** Pushes every committed record to logged-in consoles; the same origin only. */
function liveSocket(app: FastifyInstance, deps: ApiDeps): void {
  const sockets = new Map<{ send(data: string): void; readyState: number }, Role>();
  deps.pipeline.onCommitted((events: readonly StoredEvent[]) => {
    if (!sockets.size) return;
    // One message per role present, each with only what that role may read.
    const byRole = new Map<Role, string>();
    for (const [s, role] of sockets) {
      if (s.readyState !== 1) continue;
      let msg = byRole.get(role);
      if (msg === undefined) {
        msg = JSON.stringify({
          kind: 'events',
          events: events.filter((e) => seesTopic(role, e.topic)).map((e) => asSeenBy(role, e)),
        });
        byRole.set(role, msg);
      }
      s.send(msg);
    }
  });
  app.get('/api/live', { websocket: true, config: { access: 'view' }, schema: { hide: true } }, (socket, req) => {
    const origin = req.headers.origin;
    if (origin && new URL(origin).host !== req.headers.host) {
      socket.close(1008, 'cross-origin');
      return;
    }
    sockets.set(socket, req.session!.role);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', () => {
      /* the live socket is one-way */
    });
  });
}
