import type { FastifyReply, FastifyRequest } from 'fastify';
import { may, type Permission } from '../core/roles.ts';
import type { Actor } from '../core/types.ts';
import type { Session, Users } from '../store/users.ts';
import { hostName } from './host-check.ts';
import { msg } from './messages.ts';

export const SESSION_COOKIE = 'ce_session';

/** What a route asks of its caller: nothing, any session, or a session whose role has the permission. */
export type Access = 'public' | 'session' | Permission;

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** The command the route runs: its access is that command's permission, from the registry. */
    command?: string;
    /** set by the catalog on WebSocket routes */
    upgrade?: boolean;
  }
}

/** The logged-in user as the command bus and the audit see them: name and role. */
export const userActor = (req: FastifyRequest): Actor => ({
  kind: 'user',
  name: req.session!.username,
  role: req.session!.role,
});

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Access is decided from the route the router matched (its `access` rule), never from the
 * URL as spelled: a path spelled differently either matches the same route, and gets its
 * rule, or matches none. Every route must carry a rule (the catalog refuses to start without
 * one), and a request that matched no route gets no further than this.
 * Mutating requests must also carry the session's CSRF token in a header, which a cross-site
 * form cannot set. Runs before the body is read, so nobody unknown makes the controller parse anything.
 */
export function authHook(users: Users, hosts: ReadonlySet<string>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const host = hostName(req.headers.host);
    if (!host || !hosts.has(host))
      return reply.code(421).send(msg(req, 'host.unknown', { host: req.headers.host ?? '' }));
    const token = req.cookies[SESSION_COOKIE];
    req.session = token ? users.session(token) : null;
    const { access, upgrade } = req.routeOptions.config;
    // An upgrade to a route that is no WebSocket (the console's files) is refused, not half-opened.
    if (req.headers.upgrade !== undefined && !upgrade) return reply.code(404).send(msg(req, 'route.unknown'));
    if (access === 'public') return;
    if (!req.session) return reply.code(401).send(msg(req, 'auth.no-session'));
    if (access === undefined) return reply.code(404).send(msg(req, 'route.unknown'));
    if (MUTATING.has(req.method) && req.headers['x-csrf-token'] !== req.session.csrf) {
      return reply.code(403).send(msg(req, 'auth.csrf'));
    }
    // A password to change or a second factor to enrol comes before anything else.
    if (access !== 'session' && req.session.setup.length)
      return reply.code(403).send(msg(req, 'auth.setup-required', { setup: req.session.setup.join(', ') }));
    if (access !== 'session' && !may(req.session.role, access))
      return reply.code(403).send(msg(req, 'auth.forbidden', { role: req.session.role, permission: access }));
  };
}
