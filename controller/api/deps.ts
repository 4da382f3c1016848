import type { LoadedSite } from '../config/types.ts';
import type { AlarmManager } from '../core/alarms.ts';
import type { CommandBus } from '../core/commands.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { Logger } from '../core/logger.ts';
import type { Pipeline, SelfCheck } from '../core/pipeline.ts';
import type { ReadingsIndex } from '../store/readings.ts';
import type { Users } from '../store/users.ts';

import type { UplinkStatus } from '../uplink/mqtt-uplink.ts';
import type { LaneBacklog } from '../store/event-log.ts';
import type { AccessService } from '../core/access/access-service.ts';
import type { BoardService } from '../core/boards/board-service.ts';
import type { BellScheduler } from '../core/pa/bell-scheduler.ts';
import type { PaService } from '../core/pa/pa-service.ts';
import type { ScenarioService } from '../core/scenarios/scenario-service.ts';
import type { Allowlist } from '../store/allowlist.ts';
import type { SnapshotStore } from '../store/snapshots.ts';
import type { LiveStream } from '../../drivers/video/live-stream.ts';
import type { OnvifCameraDriver } from '../../drivers/video/onvif-camera-driver.ts';

/** What the console API reads and drives; the controller provides it. */
export interface ApiDeps {
  site: LoadedSite;
  log: Logger;
  pipeline: Pipeline;
  alarms: AlarmManager;
  commands: CommandBus;
  health: HealthRegistry;
  readings: ReadingsIndex;
  users: Users;
  access: AccessService;
  boards: BoardService;
  pa: PaService;
  bells: BellScheduler;
  scenarios: ScenarioService;
  ntp(): string;
  /** Whether a reader has a site key in the key store (false: install mode). */
  osdpKeyed(readerId: string): boolean;
  allowlist: Allowlist;
  snapshots: SnapshotStore;
  cameras(): OnvifCameraDriver[];
  live(cameraId: string): LiveStream | undefined;
  uplink(): UplinkStatus & { backlog: LaneBacklog[] };
  drivers(): Record<string, unknown>[];
  startedAt: number;
  /** Whether the store commits: /api/health answers 503 while it does not. */
  selfCheck(): SelfCheck;
}
