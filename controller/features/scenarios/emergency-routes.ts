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

/** PA, bells, board notices and scenarios for the console; each action is a command, so each is audited. */
export function emergencyRoutes(app: FastifyInstance, deps: ApiDeps, parts: EmergencyParts): void {
  const actor = (req: { session: { username: string } | null }) => ({
    kind: 'user' as const,
    name: req.session!.username,
  });
  const command = (
    name: string,
    permission: 'pa.announce' | 'gate.operate' | 'config' | 'alarm.ack',
    summary: string,
  ) =>
    app.post(
      `/api/commands/${name}`,
      {
        config: { access: permission },
        schema: {
          tags: ['emergency'],
          summary: `${summary} (audited)`,
          body: { type: 'object' },
          response: { 200: commandResultSchema, 400: errorSchema },
        },
      },
      async (req, reply) => {
        const r = await deps.commands.execute({ name, args: req.body as Record<string, unknown> }, actor(req));
        return reply.code(r.ok ? 200 : 400).send(r);
      },
    );
  command('scenario.start', 'gate.operate', 'Start lockdown, evacuation or all-clear, or a drill of it');
  command('pa.play', 'pa.announce', 'Broadcast a chime, a recorded message or text-to-speech');
  command('pa.stop', 'pa.announce', 'Stop the PA');
  command('board.notice', 'pa.announce', 'Post a notice to class boards');
  command('bells.activate', 'config', 'Switch the active bell schedule');
  command('bells.save', 'config', 'Save a bell schedule edited in the console');
  command('emergency.reset', 'alarm.ack', 'Reset a latched emergency button');
  command('emergency.test-mode', 'alarm.ack', 'Put an emergency button in test mode');

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
      ntp: deps.ntp(),
    }),
  );
}
