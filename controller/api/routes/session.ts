import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import QRCode from 'qrcode';
import { SESSION_COOKIE } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';
import { msg } from '../messages.ts';
import { UserError } from '../../store/users.ts';

const sessionSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    role: { type: 'string' },
    csrf: { type: 'string' },
    expiresAt: { type: 'integer' },
    timeZone: { type: 'string', description: "The school's time zone, in which the console shows every time" },
    setup: {
      type: 'array',
      items: { enum: ['password', 'totp'] },
      description: 'What the session must do before anything else',
    },
  },
} as const;

/**
 * Logging in and out, and what a person does with their own account: change the password,
 * enrol a second factor, see their sessions and end them all. Every login, failed or not, every
 * lockout and every logout is audited; a lockout is also an alarm for the guards.
 */
export function sessionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const audit = (username: string, what: string, args: Record<string, unknown>, ok: boolean, detail: unknown = null) =>
    deps.commands.record({ kind: 'user', name: username.slice(0, 64) }, what, args, ok, detail);

  app.post(
    '/api/session',
    {
      // Per address; each account also locks on its own after repeated failures, from any address.
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        summary: 'Log in (with a TOTP or recovery code where the account has a second factor)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
            code: { type: 'string', minLength: 6, maxLength: 16 },
          },
        },
        response: { 200: sessionSchema, 401: errorSchema },
      },
    },
    async (req, reply) => {
      const { username, password, code } = req.body as { username: string; password: string; code?: string };
      const r = await deps.users.login(username, password, code, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        certificate: certificateFor(req, username),
      });
      if (!r.ok) {
        deps.log.warn({ username, ip: req.ip, reason: r.reason }, 'console login refused');
        if (r.reason !== 'totp-required')
          audit(username, r.lockedNow ? 'login.locked' : 'login.failed', { ip: req.ip }, false, { reason: r.reason });
        if (r.lockedNow) {
          const key = `user.locked:${username}`;
          // Raised and cleared at once: it stays open until a guard acknowledges it.
          deps.alarms.raise({
            key,
            type: 'user.locked',
            source: 'console',
            severity: 'major',
            message: `console account "${username}" locked after repeated failed logins (账户因多次登录失败被锁定)`,
            data: { username, ip: req.ip, until: r.lockedUntil },
          });
          deps.alarms.clear(key);
        }
        const key =
          r.reason === 'locked'
            ? 'auth.locked'
            : r.reason === 'totp-required'
              ? 'auth.totp-required'
              : 'auth.wrong-password';
        return reply
          .code(401)
          .send(msg(req, key, { until: r.lockedUntil ? new Date(r.lockedUntil).toISOString() : '' }));
      }
      audit(r.user.username, 'login', { ip: req.ip }, true, { setup: r.session.setup });
      reply.setCookie(SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: req.protocol === 'https',
        expires: new Date(r.session.expiresAt),
      });
      return { ...r.session, timeZone: deps.site.config.school.timezone };
    },
  );

  app.get(
    '/api/session',
    {
      config: { access: 'session' },
      schema: { tags: ['session'], summary: 'The current session', response: { 200: sessionSchema } },
    },
    async (req) => ({ ...req.session, timeZone: deps.site.config.school.timezone }),
  );

  app.delete(
    '/api/session',
    { config: { access: 'session' }, schema: { tags: ['session'], summary: 'Log out' } },
    async (req, reply) => {
      deps.users.endSession(req.cookies[SESSION_COOKIE]!);
      audit(req.session!.username, 'logout', { ip: req.ip }, true);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/session/list',
    { config: { access: 'session' }, schema: { tags: ['session'], summary: 'My sessions: where and since when' } },
    async (req) => deps.users.sessionsOf(req.session!.username, req.cookies[SESSION_COOKIE]),
  );

  app.post(
    '/api/session/logout-everywhere',
    {
      config: { access: 'session' },
      schema: { tags: ['session'], summary: 'End every session of mine, this one too' },
    },
    async (req, reply) => {
      const ended = deps.users.endAllSessions(req.session!.username);
      audit(req.session!.username, 'logout.everywhere', { ip: req.ip }, true, { ended });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ended };
    },
  );

  app.put(
    '/api/session/password',
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Change my password; my other sessions end',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['current', 'next'],
          properties: {
            current: { type: 'string', minLength: 1, maxLength: 256 },
            next: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
    async (req, reply) => {
      const { current, next } = req.body as { current: string; next: string };
      return refusable(
        reply,
        async () => {
          await deps.users.changePassword(req.session!.username, current, next);
          deps.users.endAllSessions(req.session!.username, req.cookies[SESSION_COOKIE]);
          return deps.users.session(req.cookies[SESSION_COOKIE]!);
        },
        (ok, detail) => audit(req.session!.username, 'password.change', {}, ok, detail),
      );
    },
  );

  app.post(
    '/api/session/totp',
    {
      config: { access: 'session' },
      schema: { tags: ['session'], summary: 'Start enrolling an authenticator app: a secret and its QR code' },
    },
    async (req) => {
      const { secret, uri } = deps.users.totpBegin(req.session!.username);
      return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
    },
  );

  app.put(
    '/api/session/totp',
    {
      config: { access: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Confirm the authenticator with a code from it; answers the recovery codes, once',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^\\d{6}$' } },
        },
      },
    },
    async (req, reply) =>
      refusable(
        reply,
        async () => {
          const recoveryCodes = deps.users.totpConfirm(req.session!.username, (req.body as { code: string }).code);
          return { recoveryCodes, session: deps.users.session(req.cookies[SESSION_COOKIE]!) };
        },
        (ok, detail) => audit(req.session!.username, 'totp.enrol', {}, ok, detail),
      ),
  );
}

/** Whether TLS verified a client certificate (against console.tls.client_ca) issued to this user name. */
function certificateFor(req: FastifyRequest, username: string): boolean {
  const socket = req.raw.socket as TLSSocket;
  if (!socket.encrypted || !socket.authorized) return false;
  return socket.getPeerCertificate().subject?.CN === username;
}

/** Runs an account change: a refusal is a 400 with its reason; either way it is audited. */
async function refusable(
  reply: FastifyReply,
  run: () => Promise<unknown>,
  audited: (ok: boolean, detail: unknown) => void,
) {
  try {
    const result = await run();
    audited(true, null);
    return result;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    audited(false, err.message);
    return reply.code(400).send({ error: err.message, code: 'account.refused' });
  }
}
