import { msg } from '../../api/messages.ts';
import type { FastifyInstance } from 'fastify';
import {
  cardholderCsv,
  type CsvProblem,
  decodeCsvBytes,
  MAX_IMPORT_ROWS,
  readCardholderCsv,
} from './cardholder-csv.ts';
import { commandRoute, inAskersLanguage } from '../../api/command-route.ts';
import type { ApiDeps } from '../../api/deps.ts';
import type { DeviceDirectory } from '../../core/device-directory.ts';
import type { AccessService } from './access-service.ts';
import { may } from '../../core/roles.ts';
import { userActor } from '../../api/auth.ts';
import { whose } from './people-routes.ts';

/** The largest import: MAX_IMPORT_ROWS cardholders with long names and several groups each. */
const IMPORT_BYTES = MAX_IMPORT_ROWS * 200;

const maskCard = (card: string) => (card.length > 4 ? `${'*'.repeat(card.length - 4)}${card.slice(-4)}` : '****');

const gateParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

export function accessRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  access: AccessService,
  devices: DeviceDirectory,
): void {
  // Bytes, not text: the file's encoding is detected before it is read (decodeCsvBytes).
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: IMPORT_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/access/gates',
    {
      config: { access: 'view' },
      schema: { tags: ['access'], summary: 'Gates with their mode, fire state and health' },
    },
    async () => {
      const health = new Map(deps.health.list().map((h) => [h.id, h.health]));
      return access.gateStates().map((g) => ({ ...g, health: health.get(g.id) ?? 'unknown' }));
    },
  );

  const id = (req: { params: unknown }) => (req.params as { id: string }).id;
  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/access/gates/:id/open',
    command: 'gate.open',
    tags: ['access'],
    summary: 'Open a gate once',
    params: gateParams,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['direction'],
      properties: { direction: { enum: ['in', 'out'] } },
    },
    args: (req) => ({ gateId: id(req), ...(req.body as object) }),
  });

  commandRoute(app, deps, {
    method: 'PUT',
    url: '/api/access/gates/:id/mode',
    command: 'gate.mode',
    tags: ['access'],
    summary: 'Set a gate to normal, locked or free passage',
    params: gateParams,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: { mode: { enum: ['normal', 'locked', 'free'] } },
    },
    args: (req) => ({ gateId: id(req), ...(req.body as object) }),
  });

  app.get(
    '/api/access/readers',
    {
      config: { access: 'view' },
      schema: { tags: ['access'], summary: 'Card readers: type, gate, health and OSDP secure-channel state' },
    },
    async () => {
      const health = new Map(deps.health.list().map((h) => [h.id, h]));
      return deps.site.config.access.readers.map((r) => {
        const o = devices.get(r.id, 'secureReader')?.state();
        return {
          id: r.id,
          type: r.type,
          gate: r.gate,
          direction: r.direction,
          health: health.get(r.id)?.health ?? 'unknown',
          detail: health.get(r.id)?.detail ?? null,
          secure: o?.secure ?? null,
          state: o?.state ?? null,
          installKey: o?.installKey ?? null,
        };
      });
    },
  );

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/access/readers/:id/keyset',
    command: 'osdp.keyset',
    tags: ['access'],
    summary: 'Installer: give an OSDP reader a new site key over its secure channel',
    params: gateParams,
    args: (req) => ({ readerId: id(req) }),
  });

  app.get(
    '/api/cardholders',
    {
      config: { access: 'people.read' },
      schema: {
        tags: ['access'],
        summary: 'Cardholders, filtered by name, class, id or card',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 64 },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
          },
        },
      },
    },
    async (req) => {
      const { q, limit } = req.query as { q?: string; limit: number };
      const needle = q?.toLowerCase();
      // Card numbers in full only for those who keep the roster: a number is enough to clone a card.
      const full = may(req.session!.role, 'people.manage');
      const found = deps.allowlist
        .cardholders()
        .filter(
          (c) =>
            !needle ||
            [c.id, c.name, c.class ?? '', ...(full ? [c.card] : [])].some((v) => v.toLowerCase().includes(needle)),
        )
        .slice(0, limit)
        .map((c) => (full ? c : { ...c, card: maskCard(c.card) }));
      deps.commands.record(userActor(req), 'cardholders.read', { q: q ?? null }, true, whose(found.map((c) => c.id)));
      return found;
    },
  );

  commandRoute(app, deps, {
    method: 'POST',
    url: '/api/cardholders',
    command: 'cardholders.upsert',
    tags: ['access'],
    summary: 'Add or change one cardholder',
    body: { type: 'object' },
    args: (req) => ({ cardholders: [req.body] }),
  });

  commandRoute(app, deps, {
    method: 'DELETE',
    url: '/api/cardholders/:id',
    command: 'cardholder.erase',
    tags: ['access'],
    summary: 'Erase a person: cardholder, attendance, and their name in every record about them',
    params: gateParams,
    args: (req) => ({ id: id(req), reason: 'erased in the console' }),
  });

  app.post(
    '/api/cardholders/import',
    {
      config: { command: 'cardholders.upsert' },
      bodyLimit: IMPORT_BYTES,
      schema: { tags: ['access'], summary: 'Import cardholders from CSV (text/csv); all or nothing (audited)' },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) return reply.code(415).send(msg(req, 'csv.not-csv'));
      const charset = /charset=([\w-]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
      const decoded = decodeCsvBytes(req.body, charset);
      const refuse = (problems: CsvProblem[]) =>
        reply.code(400).send({ ...msg(req, 'csv.problems', { n: problems.length }), problems: problems.slice(0, 200) });
      if ('problem' in decoded) return refuse([decoded.problem]);
      const { cardholders, problems } = await readCardholderCsv(decoded.text);
      if (problems.length) return refuse(problems);
      if (!cardholders.length) return reply.code(400).send(msg(req, 'csv.empty'));
      // Found here as well as in the command, to name the line.
      const taken = deps.allowlist.cardConflicts(cardholders);
      if (taken.length)
        return refuse(
          taken.map(({ index, card, holder }) => ({
            line: index + 2,
            field: 'card',
            message: `card ${card} belongs to ${holder.id}; give ${holder.id} another card in this file, or erase them first (该卡已属于他人)`,
          })),
        );
      const r = await deps.commands.execute({ name: 'cardholders.upsert', args: { cardholders } }, userActor(req));
      return reply.code(r.ok ? 200 : 400).send({ ...inAskersLanguage(req, r), encoding: decoded.encoding });
    },
  );

  app.get(
    '/api/cardholders/export',
    { config: { access: 'people.manage' }, schema: { tags: ['access'], summary: 'All cardholders as CSV' } },
    async (req, reply) => {
      const all = deps.allowlist.cardholders();
      deps.commands.record(userActor(req), 'cardholders.export', {}, true, whose(all.map((c) => c.id)));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="cardholders.csv"')
        .send(cardholderCsv(all));
    },
  );

  app.get(
    '/api/attendance',
    {
      config: { access: 'people.read' },
      schema: {
        tags: ['access'],
        summary: 'Entries and exits per cardholder for one day',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['day'],
          properties: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        },
      },
    },
    async (req) => {
      const { day } = req.query as { day: string };
      const rows = deps.allowlist.attendance(day).map((a) => {
        const c = deps.allowlist.byId(a.cardholderId);
        return { ...a, name: c?.name ?? null, class: c?.class ?? null, kind: c?.kind ?? null };
      });
      deps.commands.record(userActor(req), 'attendance.read', { day }, true, whose(rows.map((r) => r.cardholderId)));
      return rows;
    },
  );
}
