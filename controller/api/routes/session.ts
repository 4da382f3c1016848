import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';
import { msg } from '../messages.ts';

const sessionSchema = {
  type: 'object',
  properties: { username: { type: 'string' }, role: { type: 'string' }, csrf: { type: 'string' }, expiresAt: { type: 'integer' } },
} as const;

export function sessionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/session', {
    config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      tags: ['session'], summary: 'Log in',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'password'],
        properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
      response: { 200: sessionSchema, 401: errorSchema },
    },
  }, async (req, reply) => {
    const { username, password } = req.body as { username: string; password: string };
    const user = await deps.users.verify(username, password);
    if (!user) {
      deps.log.warn({ username, ip: req.ip }, 'console login failed');
      return reply.code(401).send(msg(req, 'auth.wrong-password'));
    }
    const s = deps.users.createSession(user.username, deps.site.config.console.session_hours);
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https', expires: new Date(s.expiresAt),
    });
    return { username: user.username, role: user.role, csrf: s.csrf, expiresAt: s.expiresAt };
  });

  app.get('/api/session', { config: { access: 'session' }, schema: { tags: ['session'], summary: 'The current session', response: { 200: sessionSchema } } },
    async (req) => req.session);

  app.delete('/api/session', { config: { access: 'session' }, schema: { tags: ['session'], summary: 'Log out' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) deps.users.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
}
