import type { FastifyInstance } from 'fastify';
import { roles, type Role } from '../../core/roles.ts';
import { UserError } from '../../store/users.ts';
import type { ApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';

export function systemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'], summary: 'Liveness for systemd and installers' } },
    async () => ({ ok: true, uptimeS: Math.round((Date.now() - deps.startedAt) / 1000) }));

  app.get('/api/site', { schema: { tags: ['system'], summary: 'School and gateway identity' } }, async () => ({
    school: deps.site.config.school, gateway: deps.site.config.gateway.id,
  }));

  app.get('/api/uplink', { schema: { tags: ['system'], summary: 'Uplink state and the backlog per lane' } }, async () => ({
    ...deps.uplink(), committed: deps.pipeline.stats.committed, drivers: deps.drivers(),
  }));

  app.get('/api/users', { config: { permission: 'users.manage' }, schema: { tags: ['users'], summary: 'Console users' } },
    async () => deps.users.list());

  app.post('/api/users', {
    config: { permission: 'users.manage' },
    schema: {
      tags: ['users'], summary: 'Add a console user (audited)',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'role', 'password'],
        properties: { username: { type: 'string', maxLength: 32 }, role: { enum: [...roles] }, password: { type: 'string', maxLength: 256 } },
      },
      response: { 201: { type: 'object', properties: { username: { type: 'string' }, role: { type: 'string' } } }, 400: errorSchema },
    },
  }, async (req, reply) => {
    const body = req.body as { username: string; role: Role; password: string };
    try {
      await deps.users.add(body.username, body.role, body.password);
    } catch (err) {
      if (err instanceof UserError) return reply.code(400).send({ error: err.message });
      throw err;
    }
    await deps.pipeline.ingest({ topic: 'events/audit', type: 'user.added', source: `user:${req.session!.username}`, data: { username: body.username, role: body.role } });
    return reply.code(201).send({ username: body.username, role: body.role });
  });
}
