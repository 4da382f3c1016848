import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';

const HOUR = 3_600_000;

export function deviceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/devices',
    { config: { access: 'view' }, schema: { tags: ['devices'], summary: 'Devices and their health' } },
    async () => {
      const health = new Map(deps.health.list().map((h) => [h.id, h]));
      return deps.site.config.devices.map((d) => ({
        id: d.id,
        name: d.name ?? d.id,
        room: d.room ?? null,
        bus: d.bus,
        address: d.address,
        profile: d.profile,
        model: deps.site.profiles.get(d.profile)?.model ?? null,
        health: health.get(d.id)?.health ?? 'unknown',
        detail: health.get(d.id)?.detail ?? null,
        changedAt: health.get(d.id)?.changed_at ?? null,
        lastOkAt: health.get(d.id)?.last_ok_at ?? null,
      }));
    },
  );

  app.get(
    '/api/rooms',
    {
      config: { access: 'view' },
      schema: { tags: ['environment'], summary: 'Rooms with their latest readings and limits' },
    },
    async () => {
      const latest = deps.readings.latest();
      const ids = new Set([
        ...deps.site.config.rooms.map((r) => r.id),
        ...deps.site.config.devices.flatMap((d) => (d.room ? [d.room] : [])),
      ]);
      return [...ids].map((id) => {
        const room = deps.site.config.rooms.find((r) => r.id === id);
        return {
          id,
          name: room?.name ?? id,
          nameEn: room?.name_en ?? room?.name ?? id,
          latest: latest.filter((l) => l.room === id),
        };
      });
    },
  );

  app.get(
    '/api/rooms/:room/series',
    {
      config: { access: 'view' },
      schema: {
        tags: ['environment'],
        summary: 'One point of one room over time',
        params: { type: 'object', required: ['room'], properties: { room: { type: 'string', maxLength: 64 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['point'],
          properties: {
            point: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
            hours: { type: 'number', exclusiveMinimum: 0, maximum: 24 * 31, default: 6 },
          },
        },
      },
    },
    async (req) => {
      const { room } = req.params as { room: string };
      const { point, hours } = req.query as { point: string; hours: number };
      const now = Date.now();
      return deps.readings.series(room, point, now - hours * HOUR, now);
    },
  );
}
