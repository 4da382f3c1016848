/**
 * The site and device-profile schemas, from one definition per section: each
 * feature's folder holds its own (features/<name>/config.ts). The JSON Schema
 * files under firmware-configs/schema are generated from these
 * (npm run generate) for editors and installers, and a test fails when they are stale.
 */
import { Type } from '@sinclair/typebox';
import { AccessSection } from '../features/access/config.ts';
import { BoardsSection } from '../features/boards/config.ts';
import { DevicesSection, EnvironmentSection } from '../features/environment/config.ts';
import { PaSection } from '../features/pa/config.ts';
import { EmergencyButtonsSection } from '../features/scenarios/config.ts';
import { UpdateSection } from '../features/updates/config.ts';
import { VideoSection } from '../features/video/config.ts';
import { Gb28181Section } from '../features/gb28181/config.ts';
import { AlarmCentreSection } from '../features/talkback/config.ts';
import { LinkageSection, OutputsSection } from '../features/linkage/config.ts';
import { IoModulesSection, ZonesSection } from '../features/intrusion/config.ts';
import { BYTE_ORDERS, DATA_BITS, Enum, PARITIES, POINT_TYPES, STOP_BITS } from './schema-kit.ts';
import {
  AuditSection,
  BusesSection,
  ClockSection,
  ConsoleSection,
  DataDirSection,
  GatewaySection,
  ProfilesDirSection,
  RoomsSection,
  SchoolSection,
  StorageSection,
  UplinkSection,
} from './site-sections.ts';

export const SiteSchema = Type.Object(
  {
    school: SchoolSection,
    gateway: GatewaySection,
    data_dir: DataDirSection,
    profiles_dir: Type.Optional(ProfilesDirSection),
    console: ConsoleSection,
    uplink: UplinkSection,
    audit: AuditSection,
    storage: StorageSection,
    environment: EnvironmentSection,
    rooms: RoomsSection,
    buses: BusesSection,
    devices: DevicesSection,
    access: AccessSection,
    video: VideoSection,
    pa: PaSection,
    boards: BoardsSection,
    emergency_buttons: EmergencyButtonsSection,
    alarm_centre: AlarmCentreSection,
    outputs: OutputsSection,
    io_modules: IoModulesSection,
    zones: ZonesSection,
    linkage: LinkageSection,
    clock: ClockSection,
    update: UpdateSection,
    gb28181: Gb28181Section,
  },
  {
    additionalProperties: false,
    ...{
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://campus-edge.local/schema/site.schema.json',
      title: 'campus-edge site',
      description: "One school's gateway: identity, uplink, buses, devices and rooms.",
    },
  },
);

export const ProfileSchema = Type.Object(
  {
    model: Type.String({ minLength: 1 }),
    vendor: Type.String(),
    kind: Enum(['env-sensor']),
    description: Type.Optional(Type.String()),
    source: Type.Optional(
      Type.String({ description: 'Where the register map was published: the manual, its edition, an address.' }),
    ),
    serial: Type.Optional(
      Type.Object(
        {
          baud_rate: Type.Optional(Type.Integer()),
          parity: Type.Optional(Enum(PARITIES)),
          data_bits: Type.Optional(Enum(DATA_BITS)),
          stop_bits: Type.Optional(Enum(STOP_BITS)),
        },
        { additionalProperties: false },
      ),
    ),
    points: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
          function: Enum([1, 2, 3, 4], {
            default: 3,
            description: 'FC01 coils, FC02 discrete inputs, FC03 holding or FC04 input registers.',
          }),
          address: Type.Integer({ minimum: 0, maximum: 65535 }),
          type: Type.Optional(
            Enum(POINT_TYPES, {
              description:
                'How the registers read: bool for FC01/02 (the default there), uint16 otherwise; bcd16 and bcd32 are binary-coded decimal digits.',
            }),
          ),
          byte_order: Enum(BYTE_ORDERS, {
            default: 'ABCD',
            description:
              'Byte order across the registers, A the most significant byte: ABCD big-endian, CDAB words swapped, BADC bytes swapped within each word, DCBA little-endian. 64-bit values extend it to every word.',
          }),
          bits: Type.Optional(
            Type.Object(
              {
                offset: Type.Integer({ minimum: 0, maximum: 63, description: 'Lowest bit, 0 the least significant.' }),
                length: Type.Integer({ minimum: 1, maximum: 32, default: 1 }),
              },
              { additionalProperties: false, description: 'A field of a status word: these bits, unsigned.' },
            ),
          ),
          scale: Type.Number({ default: 1 }),
          scale_from: Type.Optional(
            Type.Object(
              {
                point: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
                as: Enum(['decimals', 'factor'], {
                  description: 'decimals: divide by 10 to the power of that point; factor: multiply by it.',
                }),
              },
              { additionalProperties: false, description: 'A scale read from another point of the same device.' },
            ),
          ),
          offset: Type.Number({ default: 0 }),
          fault_values: Type.Optional(
            Type.Array(Type.Integer(), {
              uniqueItems: true,
              description: 'Raw values the device sends for a failed measurement (0x7FFF, 0xFFFF…): marked bad.',
            }),
          ),
          report: Type.Boolean({
            default: true,
            description:
              'false for a register that only serves another point (a decimals register): read, not reported.',
          }),
          unit: Type.String(),
          valid_min: Type.Optional(Type.Number()),
          valid_max: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  {
    additionalProperties: false,
    ...{
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://campus-edge.local/schema/profile.schema.json',
      title: 'campus-edge Modbus device profile',
      description:
        'Register map of one sensor model: which registers, how to decode and scale them, and the serial line it expects.',
    },
  },
);
