/**
 * Every record type the gateway emits, gathered from their owners: core and
 * each feature's records.ts. The uplink JSON Schema and the AsyncAPI
 * document for the district NOC are generated from it (npm run generate), the
 * pipeline reports a type that is not in it, and the console takes its names.
 */
import { CORE_RECORDS, type RecordType } from './core/records.ts';
import { ACCESS_RECORDS } from './features/access/records.ts';
import { BOARD_RECORDS } from './features/boards/records.ts';
import { ENVIRONMENT_RECORDS } from './features/environment/records.ts';
import { PA_RECORDS } from './features/pa/records.ts';
import { SCENARIO_RECORDS } from './features/scenarios/records.ts';
import { UPDATE_RECORDS } from './features/updates/records.ts';
import { VIDEO_RECORDS } from './features/video/records.ts';
import { GB28181_RECORDS } from './features/gb28181/records.ts';
import { TALKBACK_RECORDS } from './features/talkback/records.ts';
import { LINKAGE_RECORDS } from './features/linkage/records.ts';
import { INTRUSION_RECORDS } from './features/intrusion/records.ts';

export const RECORD_TYPES: readonly RecordType[] = [
  ...CORE_RECORDS,
  ...ENVIRONMENT_RECORDS,
  ...ACCESS_RECORDS,
  ...VIDEO_RECORDS,
  ...PA_RECORDS,
  ...BOARD_RECORDS,
  ...SCENARIO_RECORDS,
  ...UPDATE_RECORDS,
  ...GB28181_RECORDS,
  ...TALKBACK_RECORDS,
  ...LINKAGE_RECORDS,
  ...INTRUSION_RECORDS,
];
