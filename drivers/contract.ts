import type { Logger } from '../controller/core/logger.ts';
import type { Command, EventInput, HealthState } from '../controller/core/types.ts';

/** What the controller gives every driver: emit, health, a logger and a clock. */
export interface DriverContext {
  emit(event: EventInput): void;
  health(device: string, kind: string, state: HealthState, detail?: string): void;
  log: Logger;
  now(): number;
}

export interface Driver {
  readonly kind: string;
  start(ctx: DriverContext): Promise<void>;
  stop(): Promise<void>;
  execute?(command: Command): Promise<unknown>;
  /** Counters for the console and the status command. */
  stats?(): Record<string, unknown>;
}
