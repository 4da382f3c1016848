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
import { DATA_BITS, Enum, PARITIES, STOP_BITS } from './schema-kit.ts';
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
    clock: ClockSection,
    update: UpdateSection,
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
          function: Enum([3, 4], { default: 3, description: 'FC03 holding or FC04 input registers.' }),
          address: Type.Integer({ minimum: 0, maximum: 65535 }),
          type: Enum(['uint16', 'int16', 'uint32', 'int32', 'float32'], { default: 'uint16' }),
          word_order: Enum(['big', 'little'], {
            default: 'big',
            description: 'For 32-bit values: which register holds the high word.',
          }),
          scale: Type.Number({ default: 1 }),
          offset: Type.Number({ default: 0 }),
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
