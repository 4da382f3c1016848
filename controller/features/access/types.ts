import type { GateConfig } from '../../config/types.ts';
/** Access-control records as the decision code sees them (loaded into memory from SQLite). */

export type { Direction } from '../../../drivers/contract.ts';
export type GateMode = GateConfig['mode'];

export interface Cardholder {
  id: string;
  name: string;
  kind: 'student' | 'staff' | 'visitor';
  class: string | null;
  /** The canonical card id: the reader format's data bits as a decimal number. */
  card: string;
  validFrom: string | null;
  validTo: string | null;
  enabled: boolean;
  groups: string[];
}

/** One cardholder's passages on one school day. */
export interface DayAttendance {
  day: string;
  cardholderId: string;
  firstIn: number | null;
  lastOut: number | null;
  entries: number;
  exits: number;
}

export interface Interval {
  days: number[];
  from: string;
  to: string;
}
export interface Schedule {
  id: string;
  name: string;
  intervals: Interval[];
  onHolidays: boolean;
}
export interface GateRule {
  gateId: string;
  groupId: string;
  scheduleId: string;
}

export const DENY_REASONS = [
  'unknown-card',
  'disabled',
  'not-yet-valid',
  'expired',
  'no-rule',
  'outside-schedule',
  'anti-passback',
  'gate-locked',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export type Decision =
  | { granted: true; cardholder: Cardholder; reason: 'granted' | 'free-passage' }
  | { granted: false; cardholder: Cardholder | null; reason: DenyReason };
