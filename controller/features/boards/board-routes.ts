import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uiDist } from '../../app-files.ts';
import type { BoardService } from './board-service.ts';

/**
 * Class boards: the kiosk page and its socket sit outside /api because a
 * board has no user session; its key in the URL is checked instead.
 */
export function boardRoutes(app: FastifyInstance, boards: BoardService): void {
  app.get('/board/:id', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const page = join(uiDist, 'board.html');
    if (!existsSync(page)) return reply.code(503).send('console not built');
    return reply.type('text/html; charset=utf-8').send(readFileSync(page));
  });

  app.get(
    '/board-live/:id',
    { websocket: true, config: { access: 'public' }, schema: { hide: true } },
    (socket, req) => {
      const { id } = req.params as { id: string };
      const key = new URL(req.url, 'http://x').searchParams.get('key') ?? '';
      if (!boards.checkKey(id, key)) {
        socket.close(1008, 'unknown board or wrong key');
        return;
      }
      const leave = boards.connect(id, { send: (m) => socket.send(JSON.stringify(m)) });
      socket.on('close', leave);
      socket.on('message', (raw: Buffer) => {
        let msg: unknown;
        try {
          msg = JSON.parse(raw.toString());
        } catch {
          return;
        }
        // Anything but an object ({"kind":"tap","card":"123"}) is dropped: null, arrays, numbers.
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
        const m = msg as { kind?: unknown; card?: unknown };
        if (m.kind === 'tap' && typeof m.card === 'string' && /^\d{1,20}$/.test(m.card)) {
          socket.send(JSON.stringify({ kind: 'tap-result', ...boards.tap(id, m.card) }));
        }
      });
    },
  );

  app.get(
    '/api/boards',
    {
      config: { access: 'config' },
      schema: { tags: ['boards'], summary: 'Class boards with their kiosk URLs and connections' },
    },
    async () =>
      boards.boards.map((b) => ({
        id: b.id,
        name: b.name,
        class: b.class,
        url: `/board/${b.id}?key=${boards.key(b.id)}`,
        connected: boards.connected(b.id),
      })),
  );
}
