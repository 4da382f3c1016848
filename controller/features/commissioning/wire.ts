import type { FastifyInstance } from 'fastify';
import { listSerialPorts } from '../../../drivers/serial-ports.ts';
import { commandRoute } from '../../api/command-route.ts';
import type { ApiDeps } from '../../api/deps.ts';
import { CommandError } from '../../core/commands.ts';
import type { AccessService } from '../access/access-service.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import type { PaService } from '../pa/pa-service.ts';
import { CommissionLog } from './commission-log.ts';
import { runTest, siteDevices } from './device-tests.ts';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

/**
 * The installer's visit: every device of the site with its live state and a test, the
 * installer's own verdict on what the test showed, and the commissioning record (验收记录) of
 * every test with its result, who ran it and when.
 */
export function wire(
  ctx: FeatureContext,
  features: { access: AccessService; pa: PaService; boards: BoardService },
): Feature & { log: CommissionLog } {
  const log = new CommissionLog(ctx.db);
  const deps = { ...features, config: ctx.site.config, devices: ctx.devices, readings: ctx.readings, now: Date.now };
  const devices = siteDevices(ctx.site.config);

  ctx.commands.register('device.test', {
    permission: 'devices.commission',
    from: ['user'],
    args: { required: ['deviceId'], properties: { deviceId: { type: 'string', minLength: 1, maxLength: 64 } } },
    run: async (args, actor) => {
      const device = devices.find((d) => d.id === args.deviceId);
      if (!device) throw new CommandError('test.unknown-device', { device: args.deviceId });
      // A test that throws (the board is offline, the camera refused) is recorded as failed, then refused.
      const outcome = await runTest(deps, device, `user:${actor.name}`).catch((err) => {
        log.add({
          by: actor.name,
          device: device.id,
          kind: device.kind,
          action: device.action,
          ok: false,
          detail: (err as Error).message,
          code: (err as { code?: string }).code ?? null,
          params: (err as { params?: Record<string, string | number> }).params ?? null,
        });
        throw err;
      });
      return log.add({ by: actor.name, device: device.id, kind: device.kind, action: device.action, ...outcome });
    },
  });
  ctx.commands.register('device.verdict', {
    permission: 'devices.commission',
    from: ['user'],
    args: {
      required: ['testId', 'verdict'],
      properties: {
        testId: { type: 'integer', minimum: 1 },
        verdict: { enum: ['pass', 'fail'] },
        note: { type: 'string', maxLength: 500 },
      },
    },
    run: (args) => {
      const judged = log.judge(args.testId, args.verdict as 'pass' | 'fail', args.note?.trim() || null);
      if (!judged) throw new CommandError('test.unknown', { id: args.testId });
      return judged;
    },
  });

  const routes = (app: FastifyInstance, api: ApiDeps) => {
    app.get(
      '/api/commission',
      {
        config: { access: 'devices.commission' },
        schema: {
          tags: ['commissioning'],
          summary: "Every device of the site with its live state and newest test; the gateway's serial ports",
        },
      },
      async () => {
        const health = new Map(api.health.list().map((h) => [h.id, h]));
        const latest = log.latest();
        const ports = await listSerialPorts().catch(() => ({ ports: [], source: 'sysfs' as const }));
        const buses = ctx.site.config.buses.map((b) => ({ id: b.id, type: b.type, port: 'port' in b ? b.port : null }));
        return {
          devices: devices.map((d) => ({
            ...d,
            health: health.get(d.id)?.health ?? (d.kind === 'pa-zone' || d.kind === 'board' ? null : 'unknown'),
            detail: health.get(d.id)?.detail ?? null,
            connected: d.kind === 'board' ? features.boards.connected(d.id) : null,
            last: latest.get(d.id) ?? null,
          })),
          serialPorts: ports.ports.map((p) => ({ ...p, bus: buses.find((b) => b.port === p.path)?.id ?? null })),
          buses,
        };
      },
    );
    app.get(
      '/api/commission/record',
      {
        config: { access: 'devices.commission' },
        schema: { tags: ['commissioning'], summary: 'Every device test, oldest first: the commissioning record' },
      },
      async () => ({
        school: ctx.site.config.school,
        gateway: ctx.site.config.gateway,
        tests: log.all(),
      }),
    );
    commandRoute(app, api, {
      method: 'POST',
      url: '/api/commission/:id/test',
      command: 'device.test',
      tags: ['commissioning'],
      summary: 'Test one device (pulse a gate, beep a reader, ring a PA zone, take a snapshot, read a sensor)',
      params: idParam,
      args: (req) => ({ deviceId: (req.params as { id: string }).id }),
    });
    commandRoute(app, api, {
      method: 'POST',
      url: '/api/commission/tests/:id/verdict',
      command: 'device.verdict',
      tags: ['commissioning'],
      summary: "The installer's verdict on a test: what they saw or heard",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: 'object',
        required: ['verdict'],
        additionalProperties: false,
        properties: { verdict: { enum: ['pass', 'fail'] }, note: { type: 'string', maxLength: 500 } },
      },
      args: (req) => ({ testId: (req.params as { id: number }).id, ...(req.body as object) }),
    });
  };
  return { name: 'commissioning', log, routes };
}
