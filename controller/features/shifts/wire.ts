import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../api/deps.ts';
import { commandRoute } from '../../api/command-route.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { ShiftLog } from './shift-log.ts';

/** The shift log: handover notes, written as audited commands, read by the next shift with what happened since. */
export function wire(ctx: FeatureContext): Feature & { log: ShiftLog } {
  const log = new ShiftLog(ctx.db);
  ctx.commands.register('shift.note', {
    permission: 'shift.log',
    from: ['user'],
    args: { required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } } },
    run: (args, actor) => log.write(actor.name, (args.text as string).trim()),
  });
  const routes = (app: FastifyInstance, deps: ApiDeps) => {
    app.get(
      '/api/shift',
      {
        config: { access: 'shift.log' },
        schema: {
          tags: ['shift'],
          summary: "The last handover notes; the newest one's time is where the shift's summary starts",
        },
      },
      async () => {
        const notes = log.recent(20);
        return { notes, since: notes[0]?.at ?? null };
      },
    );
    commandRoute(app, deps, {
      method: 'POST',
      url: '/api/shift/notes',
      command: 'shift.note',
      tags: ['shift'],
      summary: 'Write a handover note',
      body: {
        type: 'object',
        required: ['text'],
        additionalProperties: false,
        properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } },
      },
      args: (req) => ({ text: (req.body as { text: string }).text }),
    });
  };
  return { name: 'shifts', log, routes };
}
