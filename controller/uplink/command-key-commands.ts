import type { CommandBus } from '../core/commands.ts';
import type { CommandKeys } from './command-keys.ts';

/**
 * Rolling the district's command key over, by a command signed with a key the gateway trusts now:
 * trust a new key (and retire an old one in the same step), or revoke one. From the district only.
 */
export function registerCommandKeyCommands(bus: CommandBus, keys: CommandKeys): void {
  bus.register('command-key.replace', {
    permission: 'config',
    from: ['district'],
    args: {
      required: ['publicKey'],
      properties: {
        publicKey: {
          type: 'string',
          minLength: 40,
          maxLength: 1024,
          description: 'The new ed25519 public key, PEM (SPKI)',
        },
        retire: { type: 'string', pattern: '^[0-9a-f]{16}$', description: 'Fingerprint of a key to stop trusting' },
      },
    },
    run: (args) => keys.replace(args.publicKey, args.retire),
  });
  bus.register('command-key.revoke', {
    permission: 'config',
    from: ['district'],
    args: { required: ['fingerprint'], properties: { fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' } } },
    run: (args) => keys.revoke(args.fingerprint),
  });
}
