import type { FastifyReply, FastifyRequest } from 'fastify';
import { may, type Permission } from '../core/roles.ts';
import type { Session, Users } from '../store/users.ts';

export const SESSION_COOKIE = 'ce_session';

declare module 'fastify' {
  interface FastifyRequest { session: Session | null }
  interface FastifyContextConfig { permission?: Permission; public?: boolean }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Open to anyone: routes marked public, and everything outside /api/ (the console's own files). */
export const isPublicRoute = (url: string, config: { public?: boolean } | undefined) => config?.public === true || !url.startsWith('/api/');

/**
 * Every route needs a session unless it is marked public. Mutating requests
 * must also carry the session's CSRF token in a header, which a cross-site
 * form cannot set; the route's permission is checked against the role.
 */
export function authHook(users: Users) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const token = req.cookies[SESSION_COOKIE];
    req.session = token ? users.session(token) : null;
    const config = req.routeOptions.config;
    if (isPublicRoute(req.url, config)) return;
    if (!req.session) return reply.code(401).send({ error: 'not logged in' });
    if (MUTATING.has(req.method) && req.headers['x-csrf-token'] !== req.session.csrf) {
      return reply.code(403).send({ error: 'missing or wrong CSRF token' });
    }
    const permission = config.permission ?? 'view';
    if (!may(req.session.role, permission)) {
      return reply.code(403).send({ error: `role "${req.session.role}" may not ${permission}` });
    }
  };
}
