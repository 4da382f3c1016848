import { msg } from '../messages.ts';
import type { FastifyInstance } from 'fastify';
import { commandRoute } from '../command-route.ts';
import type { ApiDeps } from '../deps.ts';
import { alarmSchema } from '../schemas.ts';
import { asSeenBy } from '../personal-data.ts';
import type { AlarmQuery } from '../../core/alarms.ts';

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
            from: { type: 'integer', minimum: 0, description: 'Raised at or after, ms since the epoch (history)' },
            to: { type: 'integer', minimum: 0 },
            severity: { enum: ['info', 'warning', 'major', 'critical'] },
            kind: { type: 'string', maxLength: 64, description: 'A type, or its first part: camera, environment…' },
            source: { type: 'string', maxLength: 100, description: 'A device id' },
            room: { type: 'string', maxLength: 64 },
          },
        },
        response: { 200: { type: 'array', items: alarmSchema } },
      },
    },
    async (req) => {
      const { state, ...q } = req.query as { state: 'open' | 'all' } & AlarmQuery;
      return (state === 'open' ? deps.alarms.openAlarms() : deps.alarms.history(q)).map((a) =>
        asSeenBy(req.session!.role, a),
      );
    },
  );

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/alarms/ack',
    command: 'alarm.ack-many',
    tags: ['alarms'],
    summary: 'Acknowledge several alarms with one handling note',
    body: {
      type: 'object',
      required: ['ids'],
      additionalProperties: false,
      properties: {
        ids: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 200 },
        note: { type: 'string', maxLength: 500 },
      },
    },
    args: (req) => {
      const b = req.body as { ids: string[]; note?: string };
      return { alarmIds: b.ids, ...(b.note ? { note: b.note } : {}) };
    },
  });

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/alarms/:id/ack',
    command: 'alarm.ack',
    tags: ['alarms'],
    summary: 'Acknowledge an alarm',
    params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
    // No body schema: the body (an optional handling note) may be absent, and the command checks the note.
    args: (req) => {
      const note = (req.body as { note?: string } | undefined)?.note;
      return { alarmId: (req.params as { id: string }).id, ...(note ? { note } : {}) };
    },
    refused: 409,
  });

  app.get(
    '/api/snapshots/*',
    { config: { access: 'view' }, schema: { tags: ['alarms'], summary: 'An alarm snapshot (JPEG)' } },
    async (req, reply) => {
      const jpeg = deps.snapshots.read((req.params as { '*': string })['*']);
      if (!jpeg) return reply.code(404).send(msg(req, 'not-found.snapshot'));
      return reply.type('image/jpeg').send(jpeg);
    },
  );
}
