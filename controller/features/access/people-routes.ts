import type { FastifyInstance } from 'fastify';
import { userActor } from '../../api/auth.ts';
import type { ApiDeps } from '../../api/deps.ts';
import { msg } from '../../api/messages.ts';
import { errorSchema, eventSchema } from '../../api/schemas.ts';
import {
  classReport,
  dayReport,
  daysOfMonth,
  isSchoolDay,
  monthReport,
  type ReportPerson,
} from './attendance-report.ts';
import { dayStart, localTime } from './decide.ts';

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const DAY_MS = 86_400_000;

/** Whose data a read returned, for the audit: the ids, up to a bound, and how many. */
export const whose = (ids: string[]) => ({ rows: ids.length, ids: ids.slice(0, 200) });

/** A person's passages over a date range, and the attendance reports (day, class, month). */
export function peopleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const zone = deps.site.config.school.timezone;
  const { allowlist } = deps;

  app.get(
    '/api/people/history',
    {
      config: { access: 'people.read' },
      schema: {
        tags: ['access'],
        summary: "One person's passages and refusals over school days, found by id, card number or name",
        description:
          'Several people match a name: they are listed in `matches` and no records are returned until one id is asked for.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['who', 'from', 'to'],
          properties: {
            who: { type: 'string', minLength: 1, maxLength: 100 },
            from: { type: 'string', pattern: DAY },
            to: { type: 'string', pattern: DAY },
            before: { type: 'integer', minimum: 1, description: 'Page: records with a lower seq' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              matches: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    class: { type: ['string', 'null'] },
                    kind: { type: 'string' },
                    card: { type: 'string' },
                  },
                },
              },
              events: { type: 'array', items: eventSchema },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const q = req.query as { who: string; from: string; to: string; before?: number; limit: number };
      if (q.from > q.to) return reply.code(400).send(msg(req, 'range.reversed'));
      const who = q.who.trim();
      const exact = allowlist.byId(who) ?? allowlist.byCard(who);
      const matches = exact
        ? [exact]
        : allowlist
            .cardholders()
            .filter((c) => c.name.includes(who))
            .slice(0, 50);
      const person = matches.length === 1 ? matches[0]! : null;
      const events = person
        ? deps.pipeline.log.search({
            person: person.id,
            topic: 'events/access',
            from: dayStart(q.from, zone),
            to: dayStart(q.to, zone) + DAY_MS - 1,
            beforeSeq: q.before,
            limit: q.limit,
          })
        : [];
      deps.commands.record(
        userActor(req),
        'people.history',
        { from: q.from, to: q.to },
        true,
        whose(matches.map((m) => m.id)),
      );
      return {
        matches: matches.map(({ id, name, class: cls, kind, card }) => ({ id, name, class: cls, kind, card })),
        events,
      };
    },
  );

  app.get(
    '/api/attendance/report',
    {
      config: { access: 'people.read' },
      schema: {
        tags: ['access'],
        summary: 'Attendance for a day (everyone, absent too), per class for a day, or per person for a month',
        description:
          'Present means at least one entry that day. A month counts school days: Monday to Friday unless the access list names the day a holiday, up to today.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'date'],
          properties: {
            kind: { type: 'string', enum: ['day', 'class', 'month'] },
            date: {
              type: 'string',
              pattern: '^\\d{4}-\\d{2}(-\\d{2})?$',
              description: 'YYYY-MM-DD, or YYYY-MM for a month',
            },
            class: { type: 'string', maxLength: 64, description: 'Only this class' },
            people: { type: 'string', enum: ['student', 'staff', 'all'], default: 'student' },
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query as { kind: 'day' | 'class' | 'month'; date: string; class?: string; people: string };
      const month = q.kind === 'month';
      if (month !== (q.date.length === 7)) return reply.code(400).send(msg(req, month ? 'report.month' : 'report.day'));
      const people: ReportPerson[] = allowlist
        .cardholders()
        .filter((c) => c.enabled && (q.people === 'all' || c.kind === q.people) && (!q.class || c.class === q.class))
        .map(({ id, name, class: cls, kind }) => ({ id, name, class: cls, kind }));
      const today = localTime(Date.now(), zone).date;
      const schoolDays = month
        ? daysOfMonth(q.date, today).filter((d) => isSchoolDay(d, allowlist.isHoliday))
        : [q.date];
      const rows = month
        ? allowlist.attendanceBetween(`${q.date}-01`, `${q.date}-31`)
        : allowlist.attendanceBetween(q.date, q.date);
      deps.commands.record(
        userActor(req),
        'attendance.report',
        { kind: q.kind, date: q.date },
        true,
        whose(people.map((p) => p.id)),
      );
      const report =
        q.kind === 'day'
          ? dayReport(people, rows)
          : q.kind === 'class'
            ? classReport(people, rows)
            : monthReport(people, rows, schoolDays);
      return { kind: q.kind, date: q.date, schoolDays, rows: report };
    },
  );
}
