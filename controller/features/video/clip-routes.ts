import { createReadStream, statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { byteRange } from '../../api/byte-range.ts';
import { msg } from '../../api/messages.ts';
import type { MediaStore } from '../../store/media-store.ts';

/** Alarm clips (MP4) for the console's player, in byte ranges so that it can seek. */
export function clipRoutes(app: FastifyInstance, clips: MediaStore | null): void {
  app.get(
    '/api/clips/*',
    { config: { access: 'view' }, schema: { tags: ['video'], summary: "An alarm's pre-alarm clip (MP4)" } },
    async (req, reply) => {
      const path = clips?.pathOf((req.params as { '*': string })['*']);
      let size: number;
      try {
        if (!path) throw new Error('not a clip');
        size = statSync(path).size;
      } catch {
        return reply.code(404).send(msg(req, 'not-found.clip'));
      }
      const range = byteRange(req.headers.range, size);
      reply.header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600');
      if (range === 'unsatisfiable')
        return reply.code(416).header('content-range', `bytes */${size}`).send(msg(req, 'bad-range'));
      reply.type('video/mp4');
      if (!range) return reply.header('content-length', size).send(createReadStream(path));
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(path, range));
    },
  );
}
