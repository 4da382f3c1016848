import { Ajv, type ValidateFunction } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Db } from '../store/database.ts';
import { AuditLog } from '../store/audit-log.ts';
import type { Logger } from './logger.ts';
import type { Pipeline } from './pipeline.ts';
import { may, type Permission } from './roles.ts';
import type { Actor, Command, CommandResult } from './types.ts';
import { CodedError, type MessageKey, type MessageParams, text } from './message-catalog.ts';

/** The JSON Schema of a command's arguments: an object's `properties` and `required`, nothing else. */
export interface ArgsSchema {
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, JSONSchema>>;
}
/** The arguments as the schema says they are, once the bus has validated them. */
export type ArgsOf<A extends ArgsSchema> = FromSchema<{
  type: 'object';
  additionalProperties: false;
  properties: A['properties'];
  required: A['required'] extends readonly string[] ? A['required'] : [];
}>;

export interface CommandSpec<A extends ArgsSchema = ArgsSchema> {
  permission: Permission;
  /** JSON Schema of the arguments; run() gets them typed from it. */
  args: A;
  /** Arguments never written to the audit log or forwarded (passwords). */
  secret?: readonly string[];
  /** Fields of the result that go back to the asker alone, never to the audit log or the district (a one-time password). */
  secretResult?: readonly string[];
  /** Who may send it; every source when absent. */
  from?: readonly Actor['kind'][];
  run(args: ArgsOf<A>, actor: Actor): unknown | Promise<unknown>;
}

/** A command refused or failed for a reason the person who gave it reads. */
export class CommandError extends CodedError {}

const refuse = (code: MessageKey, params: MessageParams): CommandResult => ({
  ok: false,
  error: text(code, 'en', params),
  code,
  params,
});

const ajv = new Ajv({ allErrors: true, strict: true });

/**
 * Every command from any source (console, district, scenario, schedule) goes
 * through here: audited before it runs, its outcome audited and ingested as
 * an event, so the NOC sees local operations too.
 */
export class CommandBus {
  private readonly specs = new Map<string, { spec: CommandSpec; validate: ValidateFunction }>();
  readonly audit: AuditLog;

  constructor(
    db: Db,
    private readonly pipeline: Pipeline,
    private readonly log?: Logger,
    now: () => number = Date.now,
  ) {
    this.audit = new AuditLog(db, now);
  }

  register<const A extends ArgsSchema>(name: string, spec: CommandSpec<A>): void {
    this.specs.set(name, {
      spec: spec as unknown as CommandSpec,
      validate: ajv.compile({ type: 'object', additionalProperties: false, ...spec.args }),
    });
  }

  permissionFor(name: string): Permission | undefined {
    return this.specs.get(name)?.spec.permission;
  }

  /** The JSON Schema of a command's arguments, for the route that takes them as its body. */
  argsSchema(name: string): object | undefined {
    const spec = this.specs.get(name)?.spec;
    return spec && { type: 'object', additionalProperties: false, ...spec.args };
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  /** `requestId` ties a district command to its answer on cmd-result. */
  async execute(cmd: Command, actor: Actor, requestId?: string): Promise<CommandResult> {
    const shown = this.redact(cmd);
    const { id: auditId } = this.audit.start(actor, cmd.name, shown);
    const result = await this.run(cmd, actor);
    // The chain head goes to the district with every result, so a rewritten local history shows there.
    const kept = this.redactResult(cmd.name, result);
    const chain = this.audit.finish(auditId, kept.ok, kept.ok ? (kept.result ?? null) : kept.error);
    this.log?.info(
      {
        command: cmd.name,
        args: shown,
        actor: `${actor.kind}:${actor.name}`,
        ok: result.ok,
        error: result.ok ? undefined : result.error,
        auditId,
      },
      'command',
    );
    await this.pipeline.ingest({
      topic: actor.kind === 'district' ? 'cmd-result' : 'events/audit',
      type: 'command.result',
      source: `${actor.kind}:${actor.name}`,
      severity: result.ok ? 'info' : 'warning',
      data: { requestId: requestId ?? null, command: cmd.name, args: shown, actor, ...kept, auditId, chain },
    });
    return result;
  }

  /**
   * Something audited that is no command: a login or logout, a read of personal data (who read
   * whose), an export. Written to the audit trail and forwarded like a command's result.
   */
  record(actor: Actor, what: string, args: Record<string, unknown>, ok: boolean, detail: unknown = null): void {
    const { id: auditId, head: chain } = this.audit.record(actor, what, args, ok, detail);
    this.pipeline.emit({
      topic: 'events/audit',
      type: 'audit.record',
      source: `${actor.kind}:${actor.name}`,
      severity: ok ? 'info' : 'warning',
      data: { what, args, ok, detail, actor, auditId, chain },
    });
  }

  private async run(cmd: Command, actor: Actor): Promise<CommandResult> {
    const entry = this.specs.get(cmd.name);
    if (!entry) return refuse('command.unknown', { name: cmd.name });
    if (entry.spec.from && !entry.spec.from.includes(actor.kind))
      return refuse('command.not-from', { name: cmd.name, from: actor.kind });
    // The route checked the permission too; the bus checks it again, so no route can forget it.
    if (actor.kind === 'user' && !(actor.role && may(actor.role, entry.spec.permission)))
      return refuse('command.forbidden', { name: cmd.name, permission: entry.spec.permission });
    if (!entry.validate(cmd.args))
      return refuse('command.invalid', { detail: ajv.errorsText(entry.validate.errors, { dataVar: 'args' }) });
    try {
      return { ok: true, result: await entry.spec.run(cmd.args, actor) };
    } catch (err) {
      return err instanceof CodedError
        ? refuse(err.code, err.params)
        : refuse('command.failed', { detail: (err as Error).message });
    }
  }

  private redactResult(name: string, result: CommandResult): CommandResult {
    const secret = this.specs.get(name)?.spec.secretResult ?? [];
    if (!result.ok || !secret.length || typeof result.result !== 'object' || result.result === null) return result;
    return {
      ...result,
      result: Object.fromEntries(
        Object.entries(result.result).map(([k, v]) => [k, secret.includes(k) ? '[redacted]' : v]),
      ),
    };
  }

  private redact(cmd: Command): Record<string, unknown> {
    const secret = this.specs.get(cmd.name)?.spec.secret ?? [];
    return Object.fromEntries(Object.entries(cmd.args).map(([k, v]) => [k, secret.includes(k) ? '[redacted]' : v]));
  }

  recentAudit(limit: number): unknown[] {
    return this.audit.recent(limit);
  }
}
