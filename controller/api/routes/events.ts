import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { eventSchema } from '../schemas.ts';
import { asSeenBy, eventScope } from '../personal-data.ts';

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/events',
    {
      config: { access: 'view' },
      schema: {
        tags: ['events'],
        summary: 'Search the event log, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 200, description: 'Text in the type, source or data' },
            type: { type: 'string', maxLength: 100 },
            topic: { type: 'string', maxLength: 100 },
            source: { type: 'string', maxLength: 100, description: 'A device id or subsystem' },
            from: { type: 'integer', minimum: 0, description: 'ms since the epoch' },
            to: { type: 'integer', minimum: 0 },
            before: { type: 'integer', minimum: 1, description: 'Page: events with a lower seq' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: { type: 'array', items: eventSchema } },
      },
    },
    async (req) => {
      const q = req.query as {
        q?: string;
        type?: string;
        topic?: string;
        source?: string;
        from?: number;
        to?: number;
        before?: number;
        limit: number;
      };
      const role = req.session!.role;
      return deps.pipeline.log.search({ ...q, beforeSeq: q.before, ...eventScope(role) }).map((e) => asSeenBy(role, e));
    },
  );

  app.get(
    '/api/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['events'],
        summary: 'The audit log of commands',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
        },
      },
    },
    async (req) => deps.commands.recentAudit((req.query as { limit: number }).limit),
  );
}
