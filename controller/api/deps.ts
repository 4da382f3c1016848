import type { PlatformStatus } from '../features/gb28181/gateway-service.ts';
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
import type { FastifyInstance } from 'fastify';
import type { Allowlist } from '../features/access/allowlist.ts';
import type { MediaStore } from '../store/media-store.ts';

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
  ntp(): string;
  allowlist: Allowlist;
  snapshots: MediaStore;
  /** Each feature's own routes, registered beside the shared ones. */
  featureRoutes: FeatureRoutes[];
  uplink(): UplinkStatus & { backlog: LaneBacklog[] };
  drivers(): Record<string, unknown>[];
  /** The GB/T 28181 platforms' links, by platform id; none without a gb28181 section. */
  platforms(): Record<string, PlatformStatus>;
  startedAt: number;
  /** Whether the store commits: /api/health answers 503 while it does not. */
  selfCheck(): SelfCheck;
}

export type FeatureRoutes = (app: FastifyInstance, deps: ApiDeps) => void;
