import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../api/deps.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { BellScheduler } from '../pa/bell-scheduler.ts';
import type { PaService } from '../pa/pa-service.ts';
import type { ScenarioService } from './scenario-service.ts';

export interface EmergencyParts {
  pa: PaService;
  bells: BellScheduler;
  boards: BoardService;
  scenarios: ScenarioService;
}
import { commandResultSchema, errorSchema } from '../../api/schemas.ts';
import { userActor } from '../../api/auth.ts';

/** PA, bells, board notices and scenarios for the console; each action is a command, so each is audited. */
export function emergencyRoutes(app: FastifyInstance, deps: ApiDeps, parts: EmergencyParts): void {
  // Each route takes its permission and its body's schema from the command it runs. The schema is
  // the route's documentation; the bus validates the body, so a refused one is audited like any
  // failed command, with the bus's own message (fastify's type coercion would also break `oneOf`).
  const command = (name: string, summary: string) => {
    const body = deps.commands.argsSchema(name);
    if (!body) throw new Error(`no command "${name}" for its route`);
    app.post(
      `/api/commands/${name}`,
      {
        config: { command: name },
        validatorCompiler: () => () => true,
        schema: {
          tags: ['emergency'],
          summary: `${summary} (audited)`,
          body,
          response: { 200: commandResultSchema, 400: errorSchema },
        },
      },
      async (req, reply) => {
        const r = await deps.commands.execute({ name, args: req.body as Record<string, unknown> }, userActor(req));
        return reply.code(r.ok ? 200 : 400).send(r);
      },
    );
  };
  command('scenario.start', 'Start lockdown, evacuation or all-clear, or a drill of it');
  command('pa.play', 'Broadcast a chime, a recorded message or text-to-speech');
  command('pa.stop', 'Stop the PA');
  command('board.notice', 'Post a notice to class boards');
  command('bells.activate', 'Switch the active bell schedule');
  command('bells.save', 'Save a bell schedule edited in the console');
  command('emergency.reset', 'Reset a latched emergency button');
  command('emergency.test-mode', 'Put an emergency button in test mode');

  app.get(
    '/api/emergency',
    {
      config: { access: 'view' },
      schema: { tags: ['emergency'], summary: 'PA state, bell schedules, zones, boards and the last scenario report' },
    },
    async () => ({
      playing: parts.pa.playing,
      zones: deps.site.config.pa.zones.map((z) => ({ id: z.id, name: z.name })),
      schedules: parts.bells.schedules,
      activeSchedule: parts.bells.active?.id ?? null,
      boards: parts.boards.boards.map((b) => ({ id: b.id, name: b.name, connected: parts.boards.connected(b.id) })),
      buttons: deps.site.config.emergency_buttons.map((b) => ({ id: b.id, name: b.name })),
      lastScenario: parts.scenarios.last,
      activeScenario: parts.scenarios.active,
      gates: deps.site.config.access.gates.map((g) => ({ id: g.id, name: g.name ?? g.id })),
      ntp: deps.ntp(),
    }),
  );

  app.get(
    '/api/scenario',
    {
      config: { access: 'view' },
      schema: { tags: ['emergency'], summary: 'The lockdown or evacuation in force, real or drill, or null' },
    },
    async () => ({ active: parts.scenarios.active }),
  );

  app.get(
    '/api/scenarios',
    {
      config: { access: 'view' },
      schema: {
        tags: ['emergency'],
        summary: 'Past scenarios, newest first, each with its timeline',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const { limit } = req.query as { limit: number };
      return deps.pipeline.log.search({ type: 'scenario.report', limit }).map((e) => e.data);
    },
  );
}
