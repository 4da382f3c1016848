import type { FastifyInstance } from 'fastify';
import { commandRoute, inAskersLanguage } from '../../api/command-route.ts';
import type { ApiDeps } from '../../api/deps.ts';
import { userActor } from '../../api/auth.ts';
import { msg } from '../../api/messages.ts';
import { CommandError } from '../../core/commands.ts';
import { siteDevices } from '../commissioning/device-tests.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import type { ZoneService } from '../intrusion/zone-service.ts';
import { readPlanImage } from './plan-image.ts';
import { PlanStore } from './plan-store.ts';

const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const name = { type: 'string', minLength: 1, maxLength: 64 } as const;
const planId = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** Floor plans: an admin uploads a picture per building and floor and places the site's devices on it. */
export function wire(ctx: FeatureContext, zones: ZoneService): Feature & { plans: PlanStore } {
  const plans = new PlanStore(ctx.db);
  const known = new Set([...siteDevices(ctx.site.config), ...ctx.site.config.zones].map((d) => d.id));

  ctx.commands.register('plan.upload', {
    permission: 'config',
    from: ['user'],
    // The picture is kept in the plan, not in the audit log.
    secret: ['image'],
    args: {
      required: ['building', 'floor', 'image'],
      properties: {
        building: name,
        floor: name,
        image: { type: 'string', maxLength: Math.ceil(MAX_IMAGE_BYTES / 3) * 4 },
      },
    },
    run: (args) => {
      const bytes = Buffer.from(args.image, 'base64');
      const image = readPlanImage(bytes);
      if (!image) throw new CommandError('plan.not-image');
      const plan = plans.put(args.building.trim(), args.floor.trim(), image, bytes);
      return { id: plan.id, building: plan.building, floor: plan.floor, width: image.width, height: image.height };
    },
  });
  ctx.commands.register('plan.markers', {
    permission: 'config',
    args: {
      required: ['planId', 'markers'],
      properties: {
        planId: { type: 'integer', minimum: 1 },
        markers: {
          type: 'array',
          maxItems: 2000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['device', 'x', 'y'],
            properties: {
              device: name,
              x: { type: 'number', minimum: 0, maximum: 1 },
              y: { type: 'number', minimum: 0, maximum: 1 },
            },
          },
        },
      },
    },
    run: (args) => {
      const seen = new Set<string>();
      for (const m of args.markers) {
        if (!known.has(m.device)) throw new CommandError('plan.unknown-device', { device: m.device });
        if (seen.has(m.device)) throw new CommandError('plan.duplicate-device', { device: m.device });
        seen.add(m.device);
      }
      if (!plans.setMarkers(args.planId, args.markers)) throw new CommandError('plan.unknown', { id: args.planId });
      return { planId: args.planId, markers: args.markers.length };
    },
  });
  ctx.commands.register('plan.delete', {
    permission: 'config',
    args: { required: ['planId'], properties: { planId: { type: 'integer', minimum: 1 } } },
    run: (args) => {
      if (!plans.remove(args.planId)) throw new CommandError('plan.unknown', { id: args.planId });
      return { deleted: args.planId };
    },
  });

  const routes = (app: FastifyInstance, api: ApiDeps) => {
    app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    app.get(
      '/api/plans',
      {
        config: { access: 'view' },
        schema: {
          tags: ['plans'],
          summary: 'The plans with their markers, and every device of the site with its health, to place or to show',
        },
      },
      async () => {
        const health = new Map(api.health.list().map((h) => [h.id, h.health]));
        return {
          plans: plans.list(),
          devices: [
            ...siteDevices(ctx.site.config).map((d) => ({ ...d, health: health.get(d.id) ?? null })),
            // Intrusion zones show their state (armed, in alarm, bypassed) rather than a health.
            ...zones.list().map((z) => ({
              id: z.id,
              name: z.name,
              kind: 'zone',
              where: z.place,
              health: null,
              zone: z.state,
              bypassed: z.bypassed,
            })),
          ],
        };
      },
    );
    app.get(
      '/api/plans/:id/image',
      { config: { access: 'view' }, schema: { tags: ['plans'], summary: "A plan's picture", params: planId } },
      async (req, reply) => {
        const image = plans.image((req.params as { id: number }).id);
        if (!image) return reply.code(404).send(msg(req, 'plan.unknown', { id: (req.params as { id: number }).id }));
        // A new picture is a new version: the page asks for it by its time.
        return reply.type(image.mime).header('cache-control', 'private, max-age=86400').send(image.bytes);
      },
    );
    app.post(
      '/api/plans',
      {
        config: { command: 'plan.upload' },
        bodyLimit: MAX_IMAGE_BYTES,
        schema: {
          tags: ['plans'],
          summary:
            "Upload a building floor's plan (the picture as the body: PNG, JPEG or WebP); replaces that floor's picture (audited)",
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['building', 'floor'],
            properties: { building: name, floor: name },
          },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body)) return reply.code(415).send(msg(req, 'plan.not-image'));
        const q = req.query as { building: string; floor: string };
        const r = await api.commands.execute(
          { name: 'plan.upload', args: { ...q, image: req.body.toString('base64') } },
          userActor(req),
        );
        return reply.code(r.ok ? 200 : 400).send(inAskersLanguage(req, r));
      },
    );
    commandRoute(app, api, {
      method: 'PUT',
      url: '/api/plans/:id/markers',
      command: 'plan.markers',
      tags: ['plans'],
      summary: "Place devices on a plan: the plan's whole set of markers",
      params: planId,
      body: {
        type: 'object',
        required: ['markers'],
        additionalProperties: false,
        properties: { markers: { type: 'array', maxItems: 2000 } },
      },
      args: (req) => ({
        planId: (req.params as { id: number }).id,
        markers: (req.body as { markers: unknown }).markers,
      }),
    });
    commandRoute(app, api, {
      method: 'DELETE',
      url: '/api/plans/:id',
      command: 'plan.delete',
      tags: ['plans'],
      summary: 'Remove a plan and its markers',
      params: planId,
      args: (req) => ({ planId: (req.params as { id: number }).id }),
    });
  };
  return { name: 'plans', plans, routes };
}
