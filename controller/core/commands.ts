import { Ajv, type ValidateFunction } from 'ajv';
import type { Db } from '../store/database.ts';
import type { Logger } from './logger.ts';
import type { Pipeline } from './pipeline.ts';
import type { Permission } from './roles.ts';
import type { Actor, Command, CommandResult } from './types.ts';

export interface CommandSpec {
  permission: Permission;
  /** JSON Schema of the arguments. */
  args: object;
  /** Arguments never written to the audit log or forwarded (passwords). */
  secret?: readonly string[];
  /** Who may send it; every source when absent. */
  from?: readonly Actor['kind'][];
  run(args: Record<string, unknown>, actor: Actor): unknown | Promise<unknown>;
}

export class CommandError extends Error {}

const ajv = new Ajv({ allErrors: true, strict: true });

/**
 * Every command from any source (console, district, scenario, schedule) goes
 * through here: audited before it runs, its outcome audited and ingested as
 * an event, so the NOC sees local operations too.
 */
export class CommandBus {
  private readonly specs = new Map<string, { spec: CommandSpec; validate: ValidateFunction }>();
  private readonly auditStart;
  private readonly auditEnd;

  constructor(private readonly db: Db, private readonly pipeline: Pipeline, private readonly log?: Logger,
              private readonly now: () => number = Date.now) {
    this.auditStart = db.prepare('INSERT INTO audit (ts, actor, actor_kind, command, args) VALUES (?, ?, ?, ?, ?)');
    this.auditEnd = db.prepare('UPDATE audit SET ok = ?, result = ?, done_ts = ? WHERE id = ?');
  }

  register(name: string, spec: CommandSpec): void {
    this.specs.set(name, { spec, validate: ajv.compile({ type: 'object', additionalProperties: false, ...spec.args }) });
  }

  permissionFor(name: string): Permission | undefined {
    return this.specs.get(name)?.spec.permission;
  }

  names(): string[] { return [...this.specs.keys()]; }

  /** `requestId` ties a district command to its answer on cmd-result. */
  async execute(cmd: Command, actor: Actor, requestId?: string): Promise<CommandResult> {
    const shown = this.redact(cmd);
    const auditId = Number(this.auditStart.run(this.now(), actor.name, actor.kind, cmd.name, JSON.stringify(shown)).lastInsertRowid);
    const result = await this.run(cmd, actor);
    this.auditEnd.run(result.ok ? 1 : 0, JSON.stringify(result.ok ? result.result ?? null : result.error), this.now(), auditId);
    this.log?.info({ command: cmd.name, args: shown, actor: `${actor.kind}:${actor.name}`, ok: result.ok, error: result.ok ? undefined : result.error, auditId }, 'command');
    await this.pipeline.ingest({
      topic: actor.kind === 'district' ? 'cmd-result' : 'events/audit',
      type: 'command.result',
      source: `${actor.kind}:${actor.name}`,
      severity: result.ok ? 'info' : 'warning',
      data: { requestId: requestId ?? null, command: cmd.name, args: shown, actor, ...result, auditId },
    });
    return result;
  }

  /**
   * A read of personal data (the roster, attendance, an export): who read what, audited and
   * forwarded like a command, so that a school can answer whose data was seen by whom.
   */
  recordRead(actor: Actor, what: string, args: Record<string, unknown>, rows: number): void {
    const auditId = Number(this.auditStart.run(this.now(), actor.name, actor.kind, what, JSON.stringify(args)).lastInsertRowid);
    this.auditEnd.run(1, JSON.stringify({ rows }), this.now(), auditId);
    this.pipeline.emit({ topic: 'events/audit', type: 'personal-data.read', source: `${actor.kind}:${actor.name}`, severity: 'info',
      data: { what, args, rows, actor, auditId } });
  }

  private async run(cmd: Command, actor: Actor): Promise<CommandResult> {
    const entry = this.specs.get(cmd.name);
    if (!entry) return { ok: false, error: `unknown command "${cmd.name}"; known: ${this.names().join(', ')}` };
    if (entry.spec.from && !entry.spec.from.includes(actor.kind)) {
      return { ok: false, error: `"${cmd.name}" is not accepted from ${actor.kind}` };
    }
    if (!entry.validate(cmd.args)) {
      return { ok: false, error: `invalid arguments: ${ajv.errorsText(entry.validate.errors, { dataVar: 'args' })}` };
    }
    try {
      return { ok: true, result: await entry.spec.run(cmd.args, actor) };
    } catch (err) {
      return { ok: false, error: err instanceof CommandError ? err.message : `failed: ${(err as Error).message}` };
    }
  }

  private redact(cmd: Command): Record<string, unknown> {
    const secret = this.specs.get(cmd.name)?.spec.secret ?? [];
    return Object.fromEntries(Object.entries(cmd.args).map(([k, v]) => [k, secret.includes(k) ? '[redacted]' : v]));
  }

  recentAudit(limit: number): unknown[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit);
  }
}
