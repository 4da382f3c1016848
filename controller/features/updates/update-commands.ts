import type { CommandBus } from '../../core/commands.ts';
import type { UpdateService } from './update-service.ts';

/** Largest chunk: 4 MB of build, base64-encoded, well inside an MQTT message. */
const MAX_CHUNK_B64 = Math.ceil((4 << 20) / 3) * 4;

/** Updates come from the district only, never from the console or a scenario. */
export function registerUpdateCommands(bus: CommandBus, updates: UpdateService): void {
  bus.register('update.start', {
    permission: 'config',
    from: ['district'],
    args: {
      required: ['manifest', 'signature'],
      properties: {
        manifest: {
          type: 'string',
          minLength: 2,
          maxLength: 4096,
          description: 'The signed manifest, as the exact JSON text that was signed',
        },
        signature: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description: 'ed25519 signature of the manifest, base64',
        },
        url: {
          type: 'string',
          minLength: 8,
          maxLength: 2048,
          description: 'Where to download the build; without it, the build follows in update.chunk commands',
        },
      },
    },
    run: (args) => updates.begin(args as { manifest: string; signature: string; url?: string }),
  });
  bus.register('update.chunk', {
    permission: 'config',
    from: ['district'],
    // The audit log keeps the offset, not megabytes of build.
    secret: ['data'],
    args: {
      required: ['sha256', 'offset', 'data'],
      properties: {
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        offset: { type: 'integer', minimum: 0 },
        data: { type: 'string', minLength: 1, maxLength: MAX_CHUNK_B64 },
      },
    },
    run: (args) => updates.chunk(args as { sha256: string; offset: number; data: string }),
  });
  bus.register('update.status', {
    permission: 'view',
    args: { properties: {} },
    run: () => updates.status(),
  });
}
