import { parseArgs } from 'node:util';
import { checkSite, loadSite } from '../config/load-site.ts';
import { ConfigError, formatIssue } from '../config/yaml-source.ts';
import { createLogger } from '../core/logger.ts';
import { CommandBus } from '../core/commands.ts';
import { Pipeline } from '../core/pipeline.ts';
import { isRole, roles } from '../core/roles.ts';
import { registerUserCommands } from '../core/user-commands.ts';
import { buildId } from '../app-files.ts';
import { SystemdNotifier } from '../systemd-notify.ts';
import { Controller, openReadOnly, openStore, VERSION } from '../runtime.ts';
import { AuditLog } from '../store/audit-log.ts';
import { EventLog } from '../store/event-log.ts';
import { discover, discoverUsage } from './discover.ts';
import { provision, provisionUsage } from './provision.ts';
import { updateSign, updateSignUsage } from './update-sign.ts';
import { commandSign, commandSignUsage } from './command-sign.ts';
import { readPassword } from './read-password.ts';
import { UsageError } from './usage-error.ts';
import { askController } from '../admin/admin-client.ts';
import { type AdminRequest, adminSocketPath } from '../admin/admin-protocol.ts';
import type { LoadedSite } from '../config/types.ts';
import type { CommandResult } from '../core/types.ts';
import { untilSignal } from './signals.ts';

const usage = `campus-edge — edge controller for a school's campus hardware

  campus-edge run --config SITE.yaml         run the controller
  campus-edge config check SITE.yaml         validate a site file and its profiles
  campus-edge user add --config SITE.yaml --username NAME --role ROLE
                                             add a console user (password from the terminal or stdin)
  campus-edge user unlock|reset --config SITE.yaml --username NAME
                                             unlock an account, or give it a one-time password
  campus-edge backlog --config SITE.yaml     records waiting for the uplink, per lane
  campus-edge audit verify --config SITE.yaml
                                             check the audit trail's hash chain; names the first broken row
  campus-edge version                        version, build and platform
  ${discoverUsage}
  ${provisionUsage}
  ${updateSignUsage}
  ${commandSignUsage}
  roles: ${roles.join(', ')}`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return run(rest);
    case 'config':
      return configCheck(rest);
    case 'user':
      return user(rest);
    case 'backlog':
      return backlog(rest);
    case 'audit':
      return auditVerify(rest);
    case 'discover':
      return discover(rest);
    case 'provision':
      return provision(rest);
    case 'update-sign':
      return updateSign(rest);
    case 'command-sign':
      return commandSign(rest);
    case 'version':
    case '--version':
      console.log(`campus-edge ${VERSION} (build ${buildId}, node ${process.version}, linux-${process.arch})`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return cmd === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

function configOption(args: string[], extra: Record<string, { type: 'string' }> = {}) {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, ...extra }, strict: true });
  if (!values.config) throw new UsageError('--config SITE.yaml is required');
  return values as { config: string } & Record<string, string | undefined>;
}

async function run(args: string[]): Promise<number> {
  const { config } = configOption(args);
  const log = createLogger();
  // A stray rejection is a bug to log, not a reason to stop guarding the school;
  // an uncaught exception may have left state half-changed, so exit and let systemd restart.
  process.on('unhandledRejection', (err) =>
    log.error({ err: String((err as Error)?.stack ?? err) }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (err) => {
    log.fatal({ err: err.stack }, 'uncaught exception');
    process.exit(70);
  });
  const site = loadSite(config);
  for (const w of site.warnings) log.warn({ at: `${w.file}:${w.line}`, field: w.path }, w.message);
  const controller = new Controller(site, log);
  const systemd = new SystemdNotifier(log);
  try {
    await controller.start();
  } catch (err) {
    // Half-started (drivers polling, a store open): nothing to keep running; systemd decides what next.
    log.fatal({ err: (err as Error).message }, 'controller failed to start');
    console.error(`campus-edge: ${(err as Error).message}`);
    process.exit(1);
  }
  systemd.ready(`running: ${controller.site.config.devices.length} devices`);
  systemd.startWatchdog(() => controller.healthy());
  const restart = await Promise.race([untilSignal().then(() => null), controller.restartRequested]);
  log.info({ restart }, 'stopping');
  systemd.stopping();
  await controller.stop();
  log.info('stopped');
  // 75 asks systemd (Restart=always) to start the active build again.
  const code = restart ? 75 : 0;
  // Everything is committed and closed; a camera's pending long-poll must not hold the exit for a minute.
  setTimeout(() => process.exit(code), 200).unref();
  return code;
}

function configCheck(args: string[]): number {
  if (args[0] !== 'check' || !args[1]) throw new UsageError('usage: campus-edge config check SITE.yaml');
  const { site, issues, warnings } = checkSite(args[1]);
  for (const i of issues) console.error(formatIssue(i));
  for (const w of warnings) console.error(formatIssue({ ...w, message: `warning: ${w.message}` }));
  if (!site) {
    console.error(`${issues.length} error(s)`);
    return 1;
  }
  console.log(
    `${site.file}: ok (${site.config.devices.length} devices on ${site.config.buses.length} buses, ${site.profiles.size} profiles)`,
  );
  return 0;
}

const userUsage = 'usage: campus-edge user add|unlock|reset --config SITE.yaml --username NAME [--role ROLE]';

/** Account commands for an installer at the gateway: the same audited commands an admin gives in the console. */
async function user(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!action || !['add', 'unlock', 'reset'].includes(action)) throw new UsageError(userUsage);
  const v = configOption(rest, { username: { type: 'string' }, role: { type: 'string' } });
  if (!v.username) throw new UsageError('--username is required');
  if (action === 'add' && (!v.role || !isRole(v.role)))
    throw new UsageError(`--role must be one of ${roles.join(', ')}`);
  const site = loadSite(v.config);
  const request =
    action === 'add'
      ? {
          command: 'user.add',
          args: { username: v.username, role: v.role, password: await readPassword(`password for ${v.username}: `) },
        }
      : { command: action === 'unlock' ? 'user.unlock' : 'user.reset-password', args: { username: v.username } };
  // A running controller alone writes its store; only when none runs does the CLI write it itself.
  const live = await askController(adminSocketPath(site), request);
  const result = live ?? (await runOffline(site, request));
  if (!result.ok) {
    console.error(result.error);
    return 1;
  }
  const how = live ? ' (through the running controller)' : ' (no controller running: written to the store)';
  if (action === 'add') console.log(`added ${v.role} "${v.username}"${how}`);
  else if (action === 'unlock') console.log(`unlocked "${v.username}"${how}`);
  else
    console.log(
      `one-time password for "${v.username}": ${(result.result as { password: string }).password}\n  shown once; it must be changed at the first login${how}`,
    );
  return 0;
}

/** Through the command bus all the same, so the audit log and the district see who was added, never the password. */
async function runOffline(site: LoadedSite, req: AdminRequest): Promise<CommandResult> {
  const { db, users } = openStore(site);
  try {
    const bus = new CommandBus(db, new Pipeline(db));
    registerUserCommands(bus, users);
    return await bus.execute({ name: req.command, args: req.args }, { kind: 'system', name: 'cli' });
  } finally {
    db.close();
  }
}

/** Read-only, so it may run beside the controller; exit 1 names the first row that does not hold. */
function auditVerify(args: string[]): number {
  if (args[0] !== 'verify') throw new UsageError('usage: campus-edge audit verify --config SITE.yaml');
  const { config } = configOption(args.slice(1));
  const db = openReadOnly(loadSite(config));
  try {
    const v = new AuditLog(db).verify();
    if (!v.ok) {
      console.error(
        `audit chain BROKEN at link ${v.brokenAt.link}${v.brokenAt.auditId !== null ? ` (audit row ${v.brokenAt.auditId})` : ''}: ${v.brokenAt.reason}`,
      );
      return 1;
    }
    console.log(
      `audit chain intact: ${v.links} links over ${v.rows} rows (SM3); head ${v.head ? `${v.head.n} ${v.head.hash}` : 'none'}` +
        `${v.unfinished.length ? `; ${v.unfinished.length} commands not finished (under way, or cut short): rows ${v.unfinished.slice(0, 10).join(', ')}` : ''}`,
    );
    console.log(
      'compare the head with the last one the district received (events/audit, data.chain): a shorter local chain there means rows were cut off the end',
    );
    return 0;
  } finally {
    db.close();
  }
}

function backlog(args: string[]): number {
  const { config } = configOption(args);
  const db = openReadOnly(loadSite(config));
  const lanes = new EventLog(db).backlog();
  db.close();
  const names = ['alarms/access/results', 'events', 'telemetry'];
  for (const l of lanes) {
    const age = l.oldestTs ? `oldest ${Math.round((Date.now() - l.oldestTs) / 1000)} s ago` : '';
    console.log(`${names[l.lane]!.padEnd(24)} ${String(l.count).padStart(9)}  ${age}`);
  }
  console.log(`${'total'.padEnd(24)} ${String(lanes.reduce((n, l) => n + l.count, 0)).padStart(9)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error & { code?: string }) => {
    // An unknown or malformed option (from parseArgs) is a usage error too.
    const misuse = err instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS') === true;
    if (misuse) console.error(`${err.message}\n\n${usage}`);
    else if (err instanceof ConfigError) console.error(err.message);
    else console.error(err.stack ?? err.message);
    process.exitCode = misuse ? 2 : 1;
  },
);
