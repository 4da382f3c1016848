import type { Users } from '../store/users.ts';
import { UserError } from '../store/users.ts';
import type { CommandBus } from './commands.ts';
import { roles, type Role } from './roles.ts';

/** User administration as audited commands; only from the console, never from the district link. */
export function registerUserCommands(bus: CommandBus, users: Users): void {
  bus.register('user.add', {
    permission: 'users.manage',
    from: ['user', 'system'],
    secret: ['password'],
    args: {
      required: ['username', 'role', 'password'],
      properties: { username: { type: 'string', maxLength: 32 }, role: { enum: [...roles] }, password: { type: 'string', maxLength: 256 } },
    },
    run: async (args) => {
      await users.add(args.username as string, args.role as Role, args.password as string);
      return { username: args.username, role: args.role };
    },
  });
  bus.register('user.set-disabled', {
    permission: 'users.manage',
    from: ['user', 'system'],
    args: { required: ['username', 'disabled'], properties: { username: { type: 'string', maxLength: 32 }, disabled: { type: 'boolean' } } },
    run: (args, actor) => {
      if (args.username === actor.name && args.disabled) throw new UserError('you cannot disable your own account');
      if (!users.setDisabled(args.username as string, args.disabled as boolean)) throw new UserError(`no user "${args.username}"`);
      return { username: args.username, disabled: args.disabled };
    },
  });
}
