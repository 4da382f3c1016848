import { execFile } from 'node:child_process';
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { pruneUnpackedBuilds } from '../../app-files.ts';
import type { UpdateConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import { CommandError } from '../../core/commands.ts';
import type { Logger } from '../../core/logger.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { InstallSlots, Slot } from './install-slots.ts';
import { checkManifest, type UpdateManifest } from './update-manifest.ts';

export interface UpdateHooks {
  /** The controller is healthy and connected to the district: what a new build must show to stay. */
  proven(): boolean;
  /** Stop cleanly and exit so that systemd starts the active build (exit 75). */
  restart(reason: string): void;
}

interface Transfer {
  manifest: UpdateManifest;
  slot: Slot;
  file: FileHandle;
  path: string;
  hash: Hash;
  received: number;
  source: 'url' | 'chunks';
}

const ROLLBACK_ALARM = 'update.rolled_back';

/**
 * Signed A/B updates: a verified build goes into the slot that is not running, the launcher
 * starts it on trial, and it confirms itself once healthy and connected; otherwise the
 * launcher rolls back (systemd/campus-edge-launch).
 */
export class UpdateService {
  private transfer: Transfer | null = null;
  private trialTimer?: NodeJS.Timeout;
  private trialState: 'none' | 'on trial' | 'confirmed' = 'none';

  constructor(
    private readonly cfg: UpdateConfig,
    private readonly key: KeyObject | null,
    private readonly slots: InstallSlots | null,
    private readonly pipeline: Pipeline,
    private readonly alarms: AlarmManager,
    private readonly log: Logger,
    private readonly hooks: UpdateHooks,
    private readonly arch: string = process.arch,
  ) {}

  status() {
    return {
      installed: this.slots
        ? { home: this.slots.home, running: this.slots.running, active: this.slots.active() }
        : null,
      trial: this.trialState,
      keyConfigured: this.key !== null,
      transfer: this.transfer && {
        version: this.transfer.manifest.version,
        slot: this.transfer.slot,
        received: this.transfer.received,
        size: this.transfer.manifest.size,
        source: this.transfer.source,
      },
    };
  }

  /** At start-up: report a rollback the launcher made, and watch this build if it is on trial. */
  async start(): Promise<void> {
    if (!this.slots) return;
    const rolledBack = this.slots.readRollback();
    if (rolledBack) {
      this.alarms.raise({
        key: ROLLBACK_ALARM,
        type: ROLLBACK_ALARM,
        source: 'gateway',
        severity: 'major',
        message: `Update to ${rolledBack.version} failed its trial and was rolled back to slot ${rolledBack.previous}`,
        data: rolledBack,
      });
      this.pipeline.flush();
      this.slots.clearRollback();
    }
    const trial = this.slots.readTrial();
    if (!trial) return;
    if (trial.slot !== this.slots.running) {
      this.log.warn({ trial }, 'an update trial names another slot than the running one; ending it');
      this.slots.endTrial();
      return;
    }
    this.trialState = 'on trial';
    let provenSince: number | null = null;
    this.trialTimer = setInterval(() => {
      const now = Date.now();
      provenSince = this.hooks.proven() ? (provenSince ?? now) : null;
      if (provenSince !== null && now - provenSince >= this.cfg.confirm_after_s * 1000) {
        clearInterval(this.trialTimer);
        this.slots!.endTrial();
        this.trialState = 'confirmed';
        this.pipeline.emit({
          topic: 'events/system',
          type: 'update.confirmed',
          source: 'gateway',
          severity: 'info',
          data: { version: trial.version, slot: trial.slot, sha256: trial.sha256 },
        });
        this.alarms.clear(ROLLBACK_ALARM);
        pruneUnpackedBuilds();
        this.log.info({ version: trial.version, slot: trial.slot }, 'update confirmed');
      } else if (now / 1000 > trial.deadline) {
        clearInterval(this.trialTimer);
        this.log.error(
          { version: trial.version },
          'update trial deadline passed without the build proving itself; restarting to roll back',
        );
        this.hooks.restart('update trial failed');
      }
    }, 1000);
  }

  stop(): void {
    clearInterval(this.trialTimer);
    void this.abort('controller stopping');
  }

  /** update.start: checks the signed manifest, then takes the build from a URL or in chunks. */
  async begin(args: { manifest: string; signature: string; url?: string }): Promise<unknown> {
    if (!this.slots) throw new CommandError('update.not-installed', { path: process.execPath });
    if (!this.key) throw new CommandError('update.no-key');
    if (this.trialState === 'on trial') throw new CommandError('update.on-trial');
    const checked = checkManifest(args.manifest, args.signature, this.key, this.arch, this.cfg.max_size_mb * 1e6);
    if (!checked.ok) throw new CommandError('update.refused', { detail: checked.error });
    // MQTT delivers at least once: the same update.start again must not restart a transfer under way.
    const current = this.transfer;
    if (
      current &&
      current.manifest.sha256 === checked.manifest.sha256 &&
      current.source === (args.url ? 'url' : 'chunks')
    ) {
      return {
        slot: current.slot,
        version: current.manifest.version,
        expect: args.url ? 'download' : { chunkOffset: current.received },
        repeated: true,
      };
    }
    await this.abort('replaced by a newer update');
    const slot = this.slots.other(this.slots.running);
    const path = `${this.slots.binary(slot)}.partial`;
    const file = await open(path, 'w', 0o600);
    this.transfer = {
      manifest: checked.manifest,
      slot,
      file,
      path,
      hash: createHash('sha256'),
      received: 0,
      source: args.url ? 'url' : 'chunks',
    };
    this.pipeline.emit({
      topic: 'events/system',
      type: 'update.started',
      source: 'gateway',
      data: { ...checked.manifest, slot, source: this.transfer.source },
    });
    if (args.url) void this.download(this.transfer, args.url);
    return { slot, version: checked.manifest.version, expect: args.url ? 'download' : { chunkOffset: 0 } };
  }

  /** update.chunk: in order; a repeated chunk (MQTT delivers at least once) is acknowledged again. */
  async chunk(args: { sha256: string; offset: number; data: string }): Promise<unknown> {
    const t = this.transfer;
    if (!t || t.manifest.sha256 !== args.sha256 || t.source !== 'chunks') throw new CommandError('update.no-transfer');
    if (args.offset < t.received) return { received: t.received, size: t.manifest.size, duplicate: true };
    if (args.offset > t.received) throw new CommandError('update.offset', { expected: t.received, got: args.offset });
    const data = Buffer.from(args.data, 'base64');
    if (t.received + data.length > t.manifest.size) {
      await this.fail(t, `chunk overruns the manifest size ${t.manifest.size}`);
      throw new CommandError('update.overrun');
    }
    await this.write(t, data);
    if (t.received === t.manifest.size) void this.install(t);
    return { received: t.received, size: t.manifest.size };
  }

  private async download(t: Transfer, url: string): Promise<void> {
    try {
      const u = new URL(url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`unsupported URL scheme ${u.protocol}`);
      const res = await fetch(u, { signal: AbortSignal.timeout(30 * 60_000) });
      if (!res.ok || !res.body) throw new Error(`download answered ${res.status}`);
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (this.transfer !== t) return;
        if (t.received + part.length > t.manifest.size)
          throw new Error(`download is larger than the manifest size ${t.manifest.size}`);
        await this.write(t, part);
      }
      await this.install(t);
    } catch (err) {
      await this.fail(t, `download failed: ${(err as Error).message}`);
    }
  }

  private async write(t: Transfer, data: Uint8Array): Promise<void> {
    await t.file.write(data, 0, data.length, t.received);
    t.hash.update(data);
    t.received += data.length;
  }

  /** Verifies the whole build, proves it starts, then makes it the active slot on trial. */
  private async install(t: Transfer): Promise<void> {
    if (this.transfer !== t) return;
    const slots = this.slots!;
    try {
      const sha256 = t.hash.digest('hex');
      if (t.received !== t.manifest.size)
        throw new Error(`received ${t.received} bytes, the manifest says ${t.manifest.size}`);
      if (sha256 !== t.manifest.sha256) throw new Error(`sha256 ${sha256} does not match the signed manifest`);
      await t.file.sync();
      await t.file.close();
      chmodSync(t.path, 0o755);
      const binary = slots.binary(t.slot);
      await rename(t.path, binary);
      // Cheap proof that the build runs on this gateway at all, before the switch.
      const { stdout } = await promisify(execFile)(binary, ['version'], {
        timeout: 60_000,
        env: { ...process.env, NOTIFY_SOCKET: '' },
      });
      const previous = slots.active();
      slots.writeTrial({
        slot: t.slot,
        previous,
        deadline: Math.floor(Date.now() / 1000 + this.cfg.rollback_after_min * 60),
        max_starts: this.cfg.max_starts,
        version: t.manifest.version,
        sha256,
      });
      slots.activate(t.slot);
      this.transfer = null;
      await this.pipeline.ingest({
        topic: 'events/system',
        type: 'update.installed',
        source: 'gateway',
        severity: 'info',
        data: { ...t.manifest, slot: t.slot, previous, reports: stdout.trim() },
      });
      this.log.info({ version: t.manifest.version, slot: t.slot }, 'update installed; restarting into it');
      this.hooks.restart(`update to ${t.manifest.version}`);
    } catch (err) {
      await this.fail(t, (err as Error).message);
    }
  }

  private async fail(t: Transfer, reason: string): Promise<void> {
    if (this.transfer !== t) return;
    this.transfer = null;
    await t.file.close().catch(() => {});
    await rm(t.path, { force: true });
    this.log.warn({ version: t.manifest.version, reason }, 'update failed');
    this.pipeline.emit({
      topic: 'events/system',
      type: 'update.failed',
      source: 'gateway',
      severity: 'warning',
      data: { version: t.manifest.version, sha256: t.manifest.sha256, reason },
    });
  }

  private async abort(reason: string): Promise<void> {
    if (this.transfer) await this.fail(this.transfer, reason);
  }
}
