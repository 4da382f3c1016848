import type { Feature, FeatureContext } from '../feature.ts';
import { registerBoardCommands } from './board-commands.ts';
import { boardRoutes } from './board-routes.ts';
import { BoardService } from './board-service.ts';

/** Electronic class boards (电子班牌): the kiosk page, notices, and attendance taps. */
export function wire(ctx: FeatureContext): Feature & { service: BoardService } {
  const c = ctx.site.config;
  const service = new BoardService(ctx.db, c.boards, ctx.pipeline, ctx.allowlist, ctx.alarms, c.school.timezone);
  registerBoardCommands(ctx.commands, service);
  return { name: 'boards', service, routes: (app) => boardRoutes(app, service) };
}
