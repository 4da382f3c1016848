import { msg } from '../../api/messages.ts';
import type { FastifyInstance } from 'fastify';
import { discoverCameras } from '../../../drivers/video/discovery.ts';
import { commandRoute } from '../../api/command-route.ts';
import type { ApiDeps } from '../../api/deps.ts';
import type { DeviceDirectory } from '../../core/device-directory.ts';

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
/** A viewer this far behind skips fragments (each starts at a keyframe) instead of piling up memory. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export function cameraRoutes(app: FastifyInstance, deps: ApiDeps, devices: DeviceDirectory): void {
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;
  app.get(
    '/api/cameras',
    {
      config: { access: 'view' },
      schema: { tags: ['video'], summary: 'Cameras with health, model and live-view state' },
    },
    async () => {
      const health = new Map(deps.health.list().map((h) => [h.id, h]));
      return deps.site.config.video.cameras.map((c) => {
        const info = devices.get(c.id, 'camera')?.info();
        return {
          id: c.id,
          name: c.name ?? c.id,
          location: c.location ?? null,
          health: health.get(c.id)?.health ?? 'unknown',
          detail: health.get(c.id)?.detail ?? null,
          model: info ? `${info.manufacturer} ${info.model}` : null,
          clockDriftMs: info?.clockDriftMs ?? null,
          viewers: devices.get(c.id, 'live')?.watching ?? 0,
        };
      });
    },
  );

  app.get(
    '/api/cameras/discover',
    {
      config: { access: 'devices.commission' },
      schema: {
        tags: ['video'],
        summary: 'Installer: WS-Discovery probe of the school LAN for ONVIF cameras',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { timeout_ms: { type: 'integer', minimum: 500, maximum: 10_000, default: 3000 } },
        },
      },
    },
    async (req) => discoverCameras((req.query as { timeout_ms: number }).timeout_ms),
  );

  app.get(
    '/api/cameras/:id/snapshot',
    {
      config: { access: 'view' },
      schema: { tags: ['video'], summary: 'A snapshot from the camera now (JPEG)', params },
    },
    async (req, reply) => {
      const cam = devices.get(id(req), 'snapshot');
      if (!cam) return reply.code(404).send(msg(req, 'not-found.camera', { id: (req.params as { id: string }).id }));
      try {
        return reply.type('image/jpeg').send(await cam.snapshot());
      } catch (err) {
        return reply.code(502).send(msg(req, 'camera.snapshot-failed', { detail: (err as Error).message }));
      }
    },
  );

  app.get(
    '/api/cameras/:id/presets',
    { config: { access: 'view' }, schema: { tags: ['video'], summary: 'PTZ presets of a camera', params } },
    async (req, reply) => {
      const cam = devices.get(id(req), 'ptz');
      if (!cam) return reply.code(404).send(msg(req, 'not-found.camera', { id: (req.params as { id: string }).id }));
      try {
        return await cam.presets();
      } catch (err) {
        return reply.code(502).send(msg(req, 'camera.snapshot-failed', { detail: (err as Error).message }));
      }
    },
  );

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/cameras/:id/ptz',
    command: 'camera.ptz',
    tags: ['video'],
    summary: 'PTZ: move, stop or go to a preset',
    params,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: {
        action: { enum: ['move', 'stop', 'preset'] },
        x: { type: 'number', minimum: -1, maximum: 1 },
        y: { type: 'number', minimum: -1, maximum: 1 },
        zoom: { type: 'number', minimum: -1, maximum: 1 },
        preset: { type: 'string', maxLength: 64 },
      },
    },
    args: (req) => ({ cameraId: id(req), ...(req.body as object) }),
  });

  /** Live view: a JSON line with the MIME type, then the MP4 init segment and fragments as binary messages. */
  app.get(
    '/api/cameras/:id/live',
    { websocket: true, config: { access: 'view' }, schema: { hide: true } },
    (socket, req) => {
      const origin = req.headers.origin;
      const stream = devices.get(id(req), 'live');
      if ((origin && new URL(origin).host !== req.headers.host) || !stream) {
        socket.close(1008, stream ? 'cross-origin' : 'no such camera');
        return;
      }
      const viewer = {
        send: (data: Buffer | string) => {
          if (typeof data !== 'string' && socket.bufferedAmount > MAX_BUFFERED) return;
          socket.send(data);
        },
        close: () => socket.close(1001, 'stream closed'),
      };
      stream.add(viewer);
      socket.on('close', () => stream.remove(viewer));
    },
  );
}
