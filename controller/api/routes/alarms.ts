import type { FastifyInstance } from 'fastify';
import { commandRoute } from '../command-route.ts';
import type { ApiDeps } from '../deps.ts';
import { alarmSchema } from '../schemas.ts';
import { asSeenBy } from '../personal-data.ts';

export function alarmRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/alarms',
    {
      config: { access: 'view' },
      schema: {
        tags: ['alarms'],
        summary: 'Open alarms, or the history',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { enum: ['open', 'all'], default: 'open' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
          },
        },
        response: { 200: { type: 'array', items: alarmSchema } },
      },
    },
    async (req) => {
      const q = req.query as { state: 'open' | 'all'; limit: number };
      return (q.state === 'open' ? deps.alarms.openAlarms() : deps.alarms.history(q.limit)).map((a) =>
        asSeenBy(req.session!.role, a),
      );
    },
  );

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/alarms/:id/ack',
    command: 'alarm.ack',
    tags: ['alarms'],
    summary: 'Acknowledge an alarm',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
    args: (req) => ({ alarmId: (req.params as { id: string }).id }),
    refused: 409,
  });

  app.get(
    '/api/snapshots/*',
    { config: { access: 'view' }, schema: { tags: ['alarms'], summary: 'An alarm snapshot (JPEG)' } },
    async (req, reply) => {
      const jpeg = deps.snapshots.read((req.params as { '*': string })['*']);
      if (!jpeg) return reply.code(404).send({ error: 'no such snapshot' });
      return reply.type('image/jpeg').send(jpeg);
    },
  );
}
