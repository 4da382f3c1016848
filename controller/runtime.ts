import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appPath, buildId } from './app-files.ts';
import type { ApiDeps } from './api/deps.ts';
import { buildApi } from './api/server.ts';
import { sitePath } from './config/load-site.ts';
import type { LoadedSite } from './config/types.ts';
import { localTime } from './features/access/decide.ts';
import { ClockJumpWatch } from './core/clock-jump.ts';
import { ClockStatus } from './core/clock-status.ts';
import { AlarmManager } from './core/alarms.ts';
import { registerBuiltinCommands } from './core/builtin-commands.ts';
import { registerUserCommands } from './core/user-commands.ts';
import { CommandBus } from './core/commands.ts';
import { DeviceDirectory } from './core/device-directory.ts';
import { HealthRegistry } from './core/health.ts';
import { deviceHealth } from './core/health-policy.ts';
import { InboundBus } from './core/inbound-bus.ts';
import type { Logger } from './core/logger.ts';
import { Pipeline, type SelfCheck } from './core/pipeline.ts';
import { RECORD_TYPES } from './record-catalogue.ts';
import { type Db, openDatabase, openDatabaseReadOnly, schemaVersion } from './store/database.ts';
import { Allowlist } from './features/access/allowlist.ts';
import { loadPersonalKey, personalCipher, plainCipher } from './store/personal-cipher.ts';
import { sealPersonalData } from './store/seal-personal-data.ts';
import { ReadingsIndex } from './store/readings.ts';
import { Retention } from './store/retention.ts';
import type { MediaStore } from './store/media-store.ts';
import { Users } from './store/users.ts';
import { CommandKeys } from './uplink/command-keys.ts';
import { registerCommandKeyCommands } from './uplink/command-key-commands.ts';
import { DownlinkReceiver } from './uplink/downlink-receiver.ts';
import { ReplayGuard } from './store/replay-guard.ts';
import { MqttUplink } from './uplink/mqtt-uplink.ts';
import { ClipUploader } from './uplink/clip-upload.ts';
import type { Driver, DriverContext } from '../drivers/contract.ts';
import { ModbusLinks } from '../drivers/modbus/modbus-links.ts';
import { adminSocketPath } from './admin/admin-protocol.ts';
import { AdminSocket } from './admin/admin-socket.ts';
import { SyslogForwarder } from './audit/syslog-forwarder.ts';
import type { Feature, FeatureContext } from './features/feature.ts';
import { wire as wireAccess } from './features/access/wire.ts';
import type { AccessService } from './features/access/access-service.ts';
import { wire as wireBoards } from './features/boards/wire.ts';
import type { BoardService } from './features/boards/board-service.ts';
import { wire as wireEnvironment } from './features/environment/wire.ts';
import { wire as wirePa } from './features/pa/wire.ts';
import type { BellScheduler } from './features/pa/bell-scheduler.ts';
import type { PaService } from './features/pa/pa-service.ts';
import { wire as wireScenarios } from './features/scenarios/wire.ts';
import type { EmergencyButtons } from './features/scenarios/emergency-buttons.ts';
import type { ScenarioService } from './features/scenarios/scenario-service.ts';
import { wire as wireUpdates } from './features/updates/wire.ts';
import { wire as wireShifts } from './features/shifts/wire.ts';
import { wire as wireCommissioning } from './features/commissioning/wire.ts';
import { wire as wirePlans } from './features/plans/wire.ts';
import type { PlanStore } from './features/plans/plan-store.ts';
import { wire as wireGb28181 } from './features/gb28181/wire.ts';
import { wire as wireTalkback } from './features/talkback/wire.ts';
import { wire as wireLinkage } from './features/linkage/wire.ts';
import { wire as wireIntrusion } from './features/intrusion/wire.ts';
import type { Gb28181Gateway } from './features/gb28181/gateway-service.ts';
import type { UpdateService } from './features/updates/update-service.ts';
import { wire as wireVideo } from './features/video/wire.ts';
import type { VideoService } from './features/video/video-service.ts';

export const VERSION = (JSON.parse(readFileSync(appPath('package.json'), 'utf8')) as { version: string }).version;
const RETENTION_EVERY_MS = 5 * 60_000;
/** The budget is checked far more often than age-based retention runs: a flood fills a small disk in minutes. */
const BUDGET_CHECK_EVERY_MS = 5000;
const DRIVER_STOP_MS = 5000;
const STORE_BUSY_MS = 200;

/** Resolves true when the promise settles in time, false when the deadline comes first. */
function withDeadline(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
}

export const databaseFile = (site: LoadedSite) => join(site.dataDir, 'campus-edge.db');

/** The store as it is, for the CLI commands that only read; safe beside a running controller. */
export function openReadOnly(site: LoadedSite): Db {
  return openDatabaseReadOnly(databaseFile(site));
}

/** Opens the store and the users in it, for the CLI commands that need no runtime. */
export function openStore(site: LoadedSite): { db: Db; users: Users } {
  const db = openDatabase(databaseFile(site));
  return { db, users: new Users(db, site.config.console.security, site.config.console.session_hours) };
}

/** The whole controller for one site: store, pipeline, drivers, uplink and console. */
export class Controller {
  readonly db: Db;
  readonly pipeline: Pipeline;
  readonly alarms: AlarmManager;
  readonly commands: CommandBus;
  readonly health: HealthRegistry;
  readonly readings: ReadingsIndex;
  readonly users: Users;
  readonly retention: Retention;
  readonly uplink: MqttUplink;
  /** Alarm clips on their way to the district; none without pre-alarm video. */
  readonly clipUploads: ClipUploader | null;
  readonly allowlist: Allowlist;
  /** What each device can do, by id, whichever driver serves it. */
  readonly devices: DeviceDirectory;
  private readonly inbound = new InboundBus();
  /** The controller is the sum of its features, wired in dependency order. */
  readonly features: Feature[];
  readonly drivers: Driver[];
  readonly access: AccessService;
  readonly video: VideoService;
  readonly snapshots: MediaStore;
  readonly pa: PaService;
  readonly bells: BellScheduler;
  readonly boards: BoardService;
  readonly plans: PlanStore;
  readonly gb28181: Gb28181Gateway | null;
  readonly scenarios: ScenarioService;
  readonly buttons: EmergencyButtons;
  readonly clock: ClockStatus;
  readonly updates: UpdateService;
  private readonly downlink: DownlinkReceiver;
  /** Where the CLI's writing commands come in, so that this process alone writes the store. */
  private readonly admin: AdminSocket;
  readonly syslog: SyslogForwarder | null;
  /** Resolves with a reason when the controller wants to be restarted (an update was installed). */
  readonly restartRequested: Promise<string>;
  private requestRestart!: (reason: string) => void;
  api!: FastifyInstance;
  private retentionTimer?: NodeJS.Timeout;
  private budgetTimer?: NodeJS.Timeout;
  private readonly clockJumps: ClockJumpWatch;
  private stopping = false;
  readonly startedAt = Date.now();

  constructor(
    readonly site: LoadedSite,
    readonly log: Logger,
  ) {
    const c = site.config;
    // The controller is the store's one writer: a lock held elsewhere is a fault to report at once,
    // not a reason to stall card readers and relays, which share this thread, for seconds.
    this.db = openDatabase(databaseFile(site), STORE_BUSY_MS);
    const cipher = c.storage.encrypt_personal_data
      ? personalCipher(c.storage.personal_cipher, loadPersonalKey(join(site.dataDir, 'personal.key')))
      : plainCipher;
    if (sealPersonalData(this.db, cipher).sealed) log.info({ cipher: cipher.name }, 'personal data sealed at rest');
    this.pipeline = new Pipeline(this.db, Date.now, cipher);
    this.pipeline.onError = (err, where) => log.error({ err: err.message, where }, 'pipeline fault');
    this.pipeline.knownTypes = new Set(RECORD_TYPES.map((r) => r.type));
    this.readings = new ReadingsIndex(this.db);
    this.pipeline.addTransactionHook(this.readings.onTransaction);
    this.alarms = new AlarmManager(this.db, this.pipeline);
    this.commands = new CommandBus(this.db, this.pipeline, log);
    this.health = new HealthRegistry(this.db, this.pipeline, this.alarms);
    this.users = new Users(this.db, c.console.security, c.console.session_hours);
    this.retention = new Retention(this.db, this.pipeline, this.alarms, {
      urgentDays: c.storage.retention_days.alarms_and_access,
      eventDays: c.storage.retention_days.events,
      telemetryDays: c.storage.retention_days.telemetry,
      downsampleAfterHours: c.storage.downsample_after_hours,
      bucketMinutes: c.storage.downsample_bucket_minutes,
      diskBudgetBytes: c.storage.disk_budget_mb * 1024 * 1024,
    });
    this.uplink = new MqttUplink(this.pipeline, log, {
      config: c.uplink,
      identity: { district: c.school.district, school: c.school.id, gateway: c.gateway.id },
      resolvePath: (p) => sitePath(site, p),
      birth: {
        version: VERSION,
        school: c.school.name,
        startedAt: new Date(this.startedAt).toISOString(),
        configHash: this.configHash(),
      },
      onMessage: (topic, payload) => void this.downlink.receive(topic, payload),
    });
    registerBuiltinCommands(
      this.commands,
      this.alarms,
      () => this.status(),
      () => ({
        file: this.site.file,
        hash: this.configHash(),
        config: this.site.config,
        profiles: Object.fromEntries(this.site.profiles),
      }),
    );
    registerUserCommands(this.commands, this.users);
    this.allowlist = new Allowlist(this.db, cipher);
    this.clock = new ClockStatus(this.alarms);
    this.clockJumps = new ClockJumpWatch((e) => this.pipeline.emit(e));
    this.restartRequested = new Promise((resolve) => {
      this.requestRestart = resolve;
    });

    const devices = new DeviceDirectory();
    const ctx: FeatureContext = {
      site,
      log,
      db: this.db,
      pipeline: this.pipeline,
      alarms: this.alarms,
      commands: this.commands,
      allowlist: this.allowlist,
      devices,
      inbound: this.inbound,
      modbus: new ModbusLinks(c.buses, log),
      readings: this.readings,
      sitePath: (p) => sitePath(site, p),
    };
    const environment = wireEnvironment(ctx);
    const access = wireAccess(ctx);
    const pa = wirePa(ctx);
    const boards = wireBoards(ctx);
    const scenarios = wireScenarios(ctx, {
      access: access.service,
      pa: pa.service,
      bells: pa.bells,
      boards: boards.service,
      soundsDir: pa.soundsDir,
    });
    const intrusion = wireIntrusion(ctx);
    const video = wireVideo(ctx, scenarios.buttons, intrusion.zones);
    const updates = wireUpdates(ctx, {
      proven: () => this.healthy() && this.uplink.status.connected,
      restart: (reason) => this.requestRestart(reason),
    });
    const shifts = wireShifts(ctx);
    const commissioning = wireCommissioning(ctx, { access: access.service, pa: pa.service, boards: boards.service });
    const plans = wirePlans(ctx, intrusion.zones);
    const gb28181 = wireGb28181(ctx, { version: VERSION, health: () => this.health.list(), live: pa.live });
    this.gb28181 = gb28181.gateway;
    const talkback = wireTalkback(ctx, pa.live);
    const linkage = wireLinkage(ctx, video.prealarm);
    this.features = [
      environment,
      access,
      pa,
      boards,
      scenarios,
      video,
      updates,
      shifts,
      commissioning,
      plans,
      gb28181,
      talkback,
      linkage,
      intrusion,
    ];
    this.drivers = this.features.flatMap((f) => f.drivers ?? []);
    for (const d of this.drivers) devices.add(d);
    this.devices = devices;
    this.access = access.service;
    this.pa = pa.service;
    this.bells = pa.bells;
    this.boards = boards.service;
    this.plans = plans.plans;
    this.scenarios = scenarios.service;
    this.buttons = scenarios.buttons;
    this.video = video.service;
    this.snapshots = video.snapshots;
    this.clipUploads =
      video.clips &&
      new ClipUploader({
        db: this.db,
        link: this.uplink,
        clips: video.clips,
        pipeline: this.pipeline,
        gateway: c.gateway.id,
        partBytes: c.uplink.clips.part_kb * 1024,
        bytesPerSecond: (c.uplink.clips.rate_kbps * 1000) / 8,
        log,
      });
    this.updates = updates.service;

    const keyFiles = [c.uplink.command_key, c.uplink.command_key_next].filter((f): f is string => f !== undefined);
    const commandKeys = c.uplink.command_key
      ? new CommandKeys(
          keyFiles.map((f) => readFileSync(sitePath(site, f), 'utf8')),
          join(site.dataDir, 'command-keys.json'),
        )
      : null;
    if (commandKeys) registerCommandKeyCommands(this.commands, commandKeys);
    this.downlink = new DownlinkReceiver({
      base: this.uplink.base,
      to: { district: c.school.district, school: c.school.id, gateway: c.gateway.id },
      keys: commandKeys,
      replays: new ReplayGuard(this.db, c.uplink.command_max_age_s * 1000),
      maxAgeMs: c.uplink.command_max_age_s * 1000,
      pipeline: this.pipeline,
      log,
      execute: (cmd) =>
        this.commands.execute(
          { name: cmd.name, args: cmd.args },
          { kind: 'district', name: cmd.keyId ? `noc (key ${cmd.keyId})` : 'noc' },
          cmd.id,
        ),
    });
    const syslog = c.audit.syslog;
    this.syslog = syslog
      ? new SyslogForwarder(
          this.db,
          {
            ...syslog,
            ca: sitePath(site, syslog.ca),
            cert: syslog.cert && sitePath(site, syslog.cert),
            key: syslog.key && sitePath(site, syslog.key),
          },
          { school: c.school.id, gateway: c.gateway.id },
          log,
        )
      : null;
    this.admin = new AdminSocket(adminSocketPath(site), (req) =>
      this.commands.execute({ name: req.command, args: req.args }, { kind: 'system', name: 'cli' }),
    );
  }

  async start(): Promise<void> {
    // First: a second controller on the same store must stop here, before it writes anything.
    await this.admin.start();
    await this.pipeline.ingest({
      topic: 'events/system',
      type: 'controller.started',
      source: 'controller',
      data: { version: VERSION, schema: schemaVersion(this.db) },
    });
    this.auditConfigChange();
    this.uplink.start();
    this.clipUploads?.start();
    this.downlink.start();
    this.syslog?.start();
    const ctx: DriverContext = {
      // Reports that arrive while stopping (a poll that was in flight) are dropped.
      emit: (e) => {
        if (!this.stopping) this.pipeline.emit(e);
      },
      send: (channel, message) => {
        if (!this.stopping) this.inbound.send(channel, message);
      },
      device: (id, kind) =>
        deviceHealth(id, kind, (device, k, state, detail) => {
          if (this.stopping) return;
          // A store that cannot write this now (locked, full) must not take the driver's loop down with it.
          try {
            this.health.report(device, k, state, detail);
          } catch (err) {
            this.log.warn({ id: device, err: (err as Error).message }, 'device health not stored');
          }
        }),
      log: this.log,
      now: Date.now,
    };
    for (const d of this.drivers) {
      await d
        .start(ctx)
        .catch((err: Error) => this.log.error({ kind: d.kind, err: err.message }, 'driver failed to start'));
    }
    if (this.site.config.clock.ntp_check) this.clock.start();
    this.runRetention();
    this.retentionTimer = setInterval(() => this.runRetention(), RETENTION_EVERY_MS);
    this.budgetTimer = setInterval(() => {
      if (this.retention.overBudget()) this.runRetention();
    }, BUDGET_CHECK_EVERY_MS);
    this.clockJumps.start();
    this.api = await buildApi(this.apiDeps());
    const { listen, port } = this.site.config.console;
    const address = await this.api.listen({ host: listen, port });
    for (const f of this.features) await f.start?.();
    this.log.info({ address, devices: this.site.config.devices.length, build: buildId }, 'controller started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.retentionTimer);
    clearInterval(this.budgetTimer);
    this.clockJumps.stop();
    for (const f of [...this.features].reverse()) await f.stop?.();
    this.downlink.stop();
    this.syslog?.stop();
    this.clock.stop();
    await this.admin.stop();
    await this.api?.close();
    // A driver stuck on a dead device must not keep the store from closing cleanly.
    await Promise.all(
      this.drivers.map((d) =>
        withDeadline(d.stop(), DRIVER_STOP_MS).then(
          (stopped) => {
            if (!stopped)
              this.log.warn({ kind: d.kind }, `driver did not stop within ${DRIVER_STOP_MS} ms; closing without it`);
          },
          () => {},
        ),
      ),
    );
    this.pipeline.flush();
    await this.clipUploads?.stop();
    await this.uplink.stop();
    this.db.close();
  }

  get downlinkStats(): { received: number; rejected: number } {
    return this.downlink.stats;
  }

  /** For the watchdog: the store answers and commits, and the console is listening. */
  healthy(): boolean {
    return this.selfCheck().ok && (this.api?.server.listening ?? false);
  }

  /** Whether records are being stored; a store that answers but cannot commit is not healthy. */
  selfCheck(): SelfCheck {
    try {
      this.db.prepare('SELECT 1').get();
    } catch (err) {
      return { ok: false, failingSince: Date.now(), error: (err as Error).message };
    }
    const { failingSince, error } = this.pipeline.commitState;
    return { ok: failingSince === null, failingSince, error };
  }

  apiDeps(): ApiDeps {
    return {
      site: this.site,
      log: this.log,
      pipeline: this.pipeline,
      alarms: this.alarms,
      commands: this.commands,
      health: this.health,
      readings: this.readings,
      users: this.users,
      startedAt: this.startedAt,
      selfCheck: () => this.selfCheck(),
      ntp: () => this.clock.state,
      allowlist: this.allowlist,
      snapshots: this.snapshots,
      featureRoutes: this.features.flatMap((f) => (f.routes ? [f.routes] : [])),
      uplink: () => ({
        ...this.uplink.status,
        backlog: this.pipeline.log.backlog(),
        clips: this.clipUploads?.status ?? null,
      }),
      drivers: () => this.drivers.map((d) => ({ kind: d.kind, ...d.stats?.() })),
      platforms: () => this.gb28181?.status() ?? {},
    };
  }

  status() {
    return {
      version: VERSION,
      gateway: this.site.config.gateway.id,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      configHash: this.configHash(),
      schema: schemaVersion(this.db),
      lastSeq: this.pipeline.log.lastSeq(),
      backlog: this.pipeline.log.backlog(),
      openAlarms: this.alarms.openAlarms().length,
      ntp: this.clock.state,
      devices: this.health.list().map((d) => ({ id: d.id, health: d.health })),
      features: Object.fromEntries(this.features.flatMap((f) => (f.status ? [[f.name, f.status()]] : []))),
    };
  }

  /** The site file is edited outside the controller: a change since the last start is audited at this one. */
  private auditConfigChange(): void {
    const hash = this.configHash();
    const last =
      (this.db.prepare("SELECT value FROM meta WHERE key = 'config_hash'").get() as { value: string } | undefined)
        ?.value ?? null;
    if (last === hash) return;
    this.commands.record(
      { kind: 'system', name: 'controller' },
      last ? 'config.changed' : 'config.first',
      { file: this.site.file },
      true,
      { from: last, to: hash },
    );
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('config_hash', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(hash);
  }

  private configHash(): string {
    return createHash('sha256').update(readFileSync(this.site.file)).digest('hex').slice(0, 16);
  }

  private runRetention(): void {
    try {
      const r = this.retention.run();
      if (r.evictedUndelivered || r.overBudget) this.log.warn(r, 'storage under pressure');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'retention failed');
    }
    void this.purgeExpiredCardholders();
  }

  /** Pupils who left: erased a set time after their card's validity ended, each erasure audited. */
  private async purgeExpiredCardholders(): Promise<void> {
    const days = this.site.config.storage.purge_expired_after_days;
    if (!days) return;
    const before = localTime(Date.now() - days * 86_400_000, this.site.config.school.timezone).date;
    for (const id of this.allowlist.expiredBefore(before)) {
      await this.commands.execute(
        { name: 'cardholder.erase', args: { id, reason: `validity ended more than ${days} days ago` } },
        { kind: 'system', name: 'retention' },
      );
    }
  }
}
