import type { FastifyInstance } from 'fastify';
import { roles } from '../../core/roles.ts';
import type { ApiDeps } from '../deps.ts';
import { commandResultSchema, errorSchema } from '../schemas.ts';
import { msg } from '../messages.ts';
import { userActor } from '../auth.ts';

export function systemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness for systemd, installers and the console: 503 while records cannot be committed',
      },
    },
    async (req, reply) => {
      const check = deps.selfCheck();
      const uptimeS = Math.round((Date.now() - deps.startedAt) / 1000);
      if (check.ok) return { ok: true, uptimeS };
      return reply.code(503).send({
        ok: false,
        uptimeS,
        failingSince: check.failingSince,
        ...msg(req, 'store.failing', { detail: check.error ?? '' }),
      });
    },
  );

  app.get(
    '/api/site',
    { config: { access: 'session' }, schema: { tags: ['system'], summary: 'School and gateway identity' } },
    async () => ({
      school: deps.site.config.school,
      gateway: deps.site.config.gateway.id,
    }),
  );

  app.get(
    '/api/uplink',
    { config: { access: 'view' }, schema: { tags: ['system'], summary: 'Uplink state and the backlog per lane' } },
    async () => ({
      ...deps.uplink(),
      committed: deps.pipeline.stats.committed,
      drivers: deps.drivers(),
      platforms: deps.platforms(),
    }),
  );

  app.get(
    '/api/users',
    { config: { access: 'users.manage' }, schema: { tags: ['users'], summary: 'Console users' } },
    async () => deps.users.list(),
  );

  app.post(
    '/api/users',
    {
      config: { command: 'user.add' },
      schema: {
        tags: ['users'],
        summary: 'Add a console user (audited; the password is not)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'role', 'password'],
          properties: {
            username: { type: 'string', maxLength: 32 },
            role: { enum: [...roles] },
            password: { type: 'string', maxLength: 256 },
          },
        },
        response: { 201: commandResultSchema, 400: errorSchema },
      },
    },
    async (req, reply) => {
      const result = await deps.commands.execute(
        { name: 'user.add', args: req.body as Record<string, unknown> },
        userActor(req),
      );
      return reply.code(result.ok ? 201 : 400).send(result);
    },
  );

  app.put(
    '/api/users/:username/disabled',
    {
      config: { command: 'user.set-disabled' },
      schema: {
        tags: ['users'],
        summary: 'Disable or enable a console user (audited); disabling ends their sessions',
        params: { type: 'object', required: ['username'], properties: { username: { type: 'string', maxLength: 32 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['disabled'],
          properties: { disabled: { type: 'boolean' } },
        },
        response: { 200: commandResultSchema, 400: errorSchema },
      },
    },
    async (req, reply) => {
      const { username } = req.params as { username: string };
      const { disabled } = req.body as { disabled: boolean };
      const result = await deps.commands.execute(
        { name: 'user.set-disabled', args: { username, disabled } },
        userActor(req),
      );
      return reply.code(result.ok ? 200 : 400).send(result);
    },
  );

  const userParams = {
    type: 'object',
    required: ['username'],
    properties: { username: { type: 'string', maxLength: 32 } },
  } as const;
  const userCommand = (method: 'POST' | 'PUT' | 'DELETE', path: string, name: string, summary: string, body?: object) =>
    app.route({
      method,
      url: `/api/users/:username/${path}`,
      config: { command: name },
      schema: {
        tags: ['users'],
        summary: `${summary} (audited)`,
        params: userParams,
        ...(body ? { body } : {}),
        response: { 200: commandResultSchema, 400: errorSchema },
      },
      handler: async (req, reply) => {
        const args = { ...(req.body as object | undefined), username: (req.params as { username: string }).username };
        const result = await deps.commands.execute({ name, args }, userActor(req));
        return reply.code(result.ok ? 200 : 400).send(result);
      },
    });
  userCommand('PUT', 'role', 'user.set-role', "Change a user's role; their sessions end", {
    type: 'object',
    additionalProperties: false,
    required: ['role'],
    properties: { role: { enum: [...roles] } },
  });
  userCommand(
    'POST',
    'reset',
    'user.reset-password',
    'Reset a password: a one-time password, to be changed at the next login',
  );
  userCommand('POST', 'unlock', 'user.unlock', 'Unlock an account locked by failed logins');
  userCommand(
    'DELETE',
    'totp',
    'user.reset-2fa',
    'Forget a lost authenticator: the user enrols again at the next login',
  );
}
