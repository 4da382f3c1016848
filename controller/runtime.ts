import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appPath, buildId } from './app-files.ts';
import { InstallSlots } from './core/update/install-slots.ts';
import { registerUpdateCommands } from './core/update/update-commands.ts';
import { loadDistrictKey } from './core/district-key.ts';
import { UpdateService } from './core/update/update-service.ts';
import type { ApiDeps } from './api/deps.ts';
import { buildApi } from './api/server.ts';
import { sitePath } from './config/load-site.ts';
import type { LoadedSite } from './config/types.ts';
import { AccessService } from './core/access/access-service.ts';
import { localTime } from './core/access/decide.ts';
import { VideoService } from './core/video/video-service.ts';
import { registerVideoCommands } from './core/video/video-commands.ts';
import { BellScheduler } from './core/pa/bell-scheduler.ts';
import { registerPaCommands } from './core/pa/pa-commands.ts';
import { PaService } from './core/pa/pa-service.ts';
import { BoardService } from './core/boards/board-service.ts';
import { registerBoardCommands } from './core/boards/board-commands.ts';
import { ScenarioService } from './core/scenarios/scenario-service.ts';
import { registerButtonCommands, registerScenarioCommands } from './core/scenarios/scenario-commands.ts';
import { EmergencyButtons } from './core/scenarios/emergency-buttons.ts';
import { ClockJumpWatch } from './core/clock-jump.ts';
import { ClockStatus } from './core/clock-status.ts';
import { playRtp } from '../drivers/pa/rtp-audio.ts';
import { SnapshotStore } from './store/snapshots.ts';
import type { OnvifCameraDriver } from '../drivers/video/onvif-camera-driver.ts';
import { LiveStream } from '../drivers/video/live-stream.ts';
import { registerAccessCommands } from './core/access/access-commands.ts';
import { AlarmManager } from './core/alarms.ts';
import { registerBuiltinCommands } from './core/builtin-commands.ts';
import { registerUserCommands } from './core/user-commands.ts';
import { CommandBus } from './core/commands.ts';
import { EnvironmentMonitor } from './core/environment-monitor.ts';
import { HealthRegistry } from './core/health.ts';
import type { Logger } from './core/logger.ts';
import { Pipeline, type SelfCheck } from './core/pipeline.ts';
import { type Db, openDatabase, openDatabaseReadOnly, schemaVersion } from './store/database.ts';
import { Allowlist } from './store/allowlist.ts';
import { loadPersonalKey, personalCipher, plainCipher } from './store/personal-cipher.ts';
import { sealPersonalData } from './store/seal-personal-data.ts';
import { ReadingsIndex } from './store/readings.ts';
import { Retention } from './store/retention.ts';
import { Users } from './store/users.ts';
import { CommandKeys } from './uplink/command-keys.ts';
import { registerCommandKeyCommands } from './uplink/command-key-commands.ts';
import { DownlinkReceiver } from './uplink/downlink-receiver.ts';
import { ReplayGuard } from './store/replay-guard.ts';
import { MqttUplink } from './uplink/mqtt-uplink.ts';
import type { Driver, DriverContext } from '../drivers/contract.ts';
import { createDrivers } from '../drivers/registry.ts';
import { OsdpKeyStore } from '../drivers/access/osdp/key-store.ts';
import { adminSocketPath } from './admin/admin-protocol.ts';
import { AdminSocket } from './admin/admin-socket.ts';
import { SyslogForwarder } from './audit/syslog-forwarder.ts';

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
  readonly drivers: Driver[];
  readonly allowlist: Allowlist;
  readonly access: AccessService;
  readonly osdpKeys: OsdpKeyStore;
  readonly video: VideoService;
  readonly cameras: OnvifCameraDriver[];
  readonly live: Map<string, LiveStream>;
  readonly snapshots: SnapshotStore;
  readonly pa: PaService;
  readonly bells: BellScheduler;
  readonly boards: BoardService;
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
    this.readings = new ReadingsIndex(this.db);
    this.pipeline.addTransactionHook(this.readings.onTransaction);
    this.alarms = new AlarmManager(this.db, this.pipeline);
    this.commands = new CommandBus(this.db, this.pipeline, log);
    this.health = new HealthRegistry(this.db, this.pipeline, this.alarms);
    this.users = new Users(this.db, c.console.security, c.console.session_hours);
    const env = new EnvironmentMonitor(this.alarms, {
      summerMonths: c.environment.summer_months,
      overrides: c.environment.limits,
    });
    this.pipeline.onCommitted(env.onCommitted);
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
    this.osdpKeys = new OsdpKeyStore(join(site.dataDir, 'osdp-keys.json'));
    const built = createDrivers(
      site,
      log,
      this.osdpKeys,
      {
        onCard: (read) => this.access.onCard(read),
        onGateInputs: (id, inputs) => this.access.onGateInputs(id, inputs),
      },
      {
        onEvent: (id, e) => this.video.onEvent(id, e),
        onConnected: (id, drift) => this.video.onConnected(id, drift),
      },
    );
    this.cameras = built.cameras;
    this.clock = new ClockStatus(this.alarms);
    this.clockJumps = new ClockJumpWatch((e) => this.pipeline.emit(e));
    this.buttons = new EmergencyButtons(c.emergency_buttons, this.alarms, this.pipeline);
    this.live = new Map(
      built.cameras.map((cam) => [
        cam.config.id,
        new LiveStream(cam.config.id, () => cam.rtspUrl(), {
          lost: (detail) =>
            this.alarms.raise({
              key: `camera.stream-lost:${cam.config.id}`,
              type: 'camera.stream-lost',
              source: cam.config.id,
              severity: 'major',
              message: `${cam.config.name ?? cam.config.id}: live stream lost`,
              data: { detail },
            }),
          restored: () => this.alarms.clear(`camera.stream-lost:${cam.config.id}`),
        }),
      ]),
    );
    this.snapshots = new SnapshotStore(join(site.dataDir, 'snapshots'), c.video.snapshot_budget_mb * 1024 * 1024);
    this.video = new VideoService({
      cameras: c.video.cameras,
      pipeline: this.pipeline,
      alarms: this.alarms,
      snapshots: this.snapshots,
      timeZone: c.school.timezone,
      emergencyButton: (cameraId, sourceKey) => {
        const b = this.buttons.find(cameraId, sourceKey);
        return b && { press: () => this.buttons.press(b) };
      },
      snapshot: (id) => {
        const cam = this.cameras.find((x) => x.config.id === id);
        return cam ? cam.snapshot() : Promise.reject(new Error(`no camera ${id}`));
      },
    });
    this.drivers = built.drivers;
    this.access = new AccessService({
      config: c.access,
      allowlist: this.allowlist,
      pipeline: this.pipeline,
      alarms: this.alarms,
      gates: built.gates,
      feedback: built.feedback,
      timeZone: c.school.timezone,
    });
    registerAccessCommands(this.commands, this.access, this.allowlist, this.pipeline.log, built.keyset);
    registerVideoCommands(this.commands, () => this.cameras);
    const soundsDir = c.pa.sounds_dir ? sitePath(site, c.pa.sounds_dir) : null;
    this.pa = new PaService(c.pa.zones, this.pipeline, playRtp, async (zones, on) => {
      await Promise.all(
        zones
          .filter((z) => z.relay)
          .map((z) => built.modbus(z.relay!.bus)?.writeCoil(z.relay!.address, z.relay!.coil, on)),
      );
    });
    this.bells = new BellScheduler(
      this.db,
      c.pa.schedules,
      c.pa.active_schedule,
      c.school.timezone,
      (d) => this.allowlist.isHoliday(d),
      (bell) =>
        void this.commands.execute(
          { name: 'pa.bell', args: { label: bell.label, sound: bell.sound, zones: bell.zones } },
          { kind: 'schedule', name: bell.schedule },
        ),
    );
    registerPaCommands(
      this.commands,
      this.pa,
      this.bells,
      soundsDir,
      c.pa.zones.map((z) => z.id),
    );
    this.boards = new BoardService(this.db, c.boards, this.pipeline, this.allowlist, this.alarms, c.school.timezone);
    registerBoardCommands(this.commands, this.boards);
    this.scenarios = new ScenarioService({
      access: this.access,
      pa: this.pa,
      boards: this.boards,
      pipeline: this.pipeline,
      gateIds: c.access.gates.map((g) => g.id),
      configuredModes: new Map(c.access.gates.map((g) => [g.id, g.mode])),
      recording: (kind) =>
        soundsDir && existsSync(join(soundsDir, `${kind}.wav`))
          ? { kind: 'file', path: join(soundsDir, `${kind}.wav`) }
          : null,
    });
    registerScenarioCommands(this.commands, this.scenarios);
    this.restartRequested = new Promise((resolve) => {
      this.requestRestart = resolve;
    });
    const districtKey = (file: string | undefined) =>
      file ? loadDistrictKey(readFileSync(sitePath(site, file), 'utf8')) : null;
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
    this.updates = new UpdateService(
      c.update,
      districtKey(c.update.public_key),
      InstallSlots.around(process.execPath),
      this.pipeline,
      this.alarms,
      log,
      {
        proven: () => this.healthy() && this.uplink.status.connected,
        restart: (reason) => this.requestRestart(reason),
      },
    );
    registerUpdateCommands(this.commands, this.updates);
    registerButtonCommands(this.commands, this.buttons);
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
    this.downlink.start();
    this.syslog?.start();
    const ctx: DriverContext = {
      // Reports that arrive while stopping (a poll that was in flight) are dropped.
      emit: (e) => {
        if (!this.stopping) this.pipeline.emit(e);
      },
      health: (id, kind, state, detail) => {
        if (this.stopping) return;
        // A store that cannot write this now (locked, full) must not take the driver's loop down with it.
        try {
          this.health.report(id, kind, state, detail);
        } catch (err) {
          this.log.warn({ id, err: (err as Error).message }, 'device health not stored');
        }
      },
      log: this.log,
      now: Date.now,
    };
    for (const d of this.drivers) {
      await d
        .start(ctx)
        .catch((err: Error) => this.log.error({ kind: d.kind, err: err.message }, 'driver failed to start'));
    }
    this.access.start();
    this.bells.start();
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
    await this.updates.start();
    this.log.info({ address, devices: this.site.config.devices.length, build: buildId }, 'controller started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.retentionTimer);
    clearInterval(this.budgetTimer);
    this.clockJumps.stop();
    this.updates.stop();
    this.downlink.stop();
    this.syslog?.stop();
    this.access.stop();
    this.bells.stop();
    this.clock.stop();
    this.pa.stop();
    for (const l of this.live.values()) l.close();
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
      access: this.access,
      boards: this.boards,
      pa: this.pa,
      bells: this.bells,
      scenarios: this.scenarios,
      ntp: () => this.clock.state,
      allowlist: this.allowlist,
      snapshots: this.snapshots,
      cameras: () => this.cameras,
      live: (id) => this.live.get(id),
      osdpKeyed: (id) => this.osdpKeys.get(id) !== undefined,
      uplink: () => ({ ...this.uplink.status, backlog: this.pipeline.log.backlog() }),
      drivers: () => this.drivers.map((d) => ({ kind: d.kind, ...d.stats?.() })),
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
