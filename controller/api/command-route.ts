import type { FastifyInstance, FastifyRequest } from 'fastify';
import { userActor } from './auth.ts';
import type { CommandResult } from '../core/types.ts';
import { isMessageKey } from '../core/message-catalog.ts';
import { msg } from './messages.ts';
import type { ApiDeps } from './deps.ts';
import { commandResultSchema, errorSchema } from './schemas.ts';

export interface CommandRoute {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  command: string;
  tags: string[];
  summary: string;
  params?: object;
  body?: object;
  /** The command's arguments, from the path and the body. */
  args(req: FastifyRequest): Record<string, unknown>;
  /** The status of a refusal; 400 unless the route says otherwise (409 for an alarm already handled). */
  refused?: 400 | 409;
}

/** A command's answer with its refusal in the asker's language; the key and parameters go with it for the console. */
export function inAskersLanguage(req: Pick<FastifyRequest, 'headers'>, result: CommandResult): CommandResult {
  return result.ok || !isMessageKey(result.code) ? result : { ...result, ...msg(req, result.code, result.params) };
}

/**
 * A route that runs one command as the logged-in user: its access is the command's permission
 * (config.command), its answer the command's result, so it is audited like every other.
 */
export function commandRoute(app: FastifyInstance, deps: ApiDeps, r: CommandRoute): void {
  const refused = r.refused ?? 400;
  app.route({
    method: r.method,
    url: r.url,
    config: { command: r.command },
    schema: {
      tags: r.tags,
      summary: `${r.summary} (audited)`,
      ...(r.params ? { params: r.params } : {}),
      ...(r.body ? { body: r.body } : {}),
      response: { 200: commandResultSchema, [refused]: refused === 400 ? errorSchema : commandResultSchema },
    },
    handler: async (req, reply) => {
      const result = await deps.commands.execute({ name: r.command, args: r.args(req) }, userActor(req));
      return reply.code(result.ok ? 200 : refused).send(inAskersLanguage(req, result));
    },
  });
}
