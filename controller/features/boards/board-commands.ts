import type { CommandBus } from '../../core/commands.ts';
import type { BoardService } from './board-service.ts';

/** Notices to class boards, from the console or the district; audited. */
export function registerBoardCommands(bus: CommandBus, boards: BoardService): void {
  bus.register('board.notice', {
    permission: 'pa.announce',
    args: {
      required: ['text', 'boards'],
      properties: {
        text: { type: 'string', minLength: 1, maxLength: 500 },
        boards: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
      },
    },
    run: (args, actor) => boards.notice(args.text, args.boards, `${actor.kind}:${actor.name}`),
  });
}
