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
      properties: {
        username: { type: 'string', maxLength: 32 },
        role: { enum: [...roles] },
        password: { type: 'string', maxLength: 256 },
      },
    },
    run: async (args) => {
      await users.add(args.username, args.role as Role, args.password);
      return { username: args.username, role: args.role };
    },
  });
  const user = { type: 'string', maxLength: 32 } as const;
  const existing = (username: unknown) => {
    if (!users.get(username as string)) throw new UserError('user.unknown', { username: String(username) });
  };
  bus.register('user.set-role', {
    permission: 'users.manage',
    from: ['user', 'system'],
    args: { required: ['username', 'role'], properties: { username: user, role: { enum: [...roles] } } },
    run: (args, actor) => {
      if (args.username === actor.name) throw new UserError('user.own-role');
      existing(args.username);
      users.setRole(args.username, args.role as Role);
      return { username: args.username, role: args.role };
    },
  });
  bus.register('user.reset-password', {
    permission: 'users.manage',
    from: ['user', 'system'],
    // The one-time password goes to the admin who asked, never into the audit or to the district.
    secretResult: ['password'],
    args: { required: ['username'], properties: { username: user } },
    run: async (args) => ({
      username: args.username,
      password: await users.resetPassword(args.username),
      mustChange: true,
    }),
  });
  /** An admin's action on one existing account, answered with what it did. */
  const onAccount = (name: string, act: (username: string) => Record<string, unknown>) =>
    bus.register(name, {
      permission: 'users.manage',
      from: ['user', 'system'],
      args: { required: ['username'], properties: { username: user } },
      run: (args) => {
        existing(args.username);
        return { username: args.username, ...act(args.username) };
      },
    });
  onAccount('user.unlock', (u) => ({ unlocked: users.unlock(u) }));
  onAccount('user.reset-2fa', (u) => ({ enrolAgain: users.totpReset(u) }));
  bus.register('user.set-disabled', {
    permission: 'users.manage',
    from: ['user', 'system'],
    args: {
      required: ['username', 'disabled'],
      properties: { username: { type: 'string', maxLength: 32 }, disabled: { type: 'boolean' } },
    },
    run: (args, actor) => {
      if (args.username === actor.name && args.disabled) throw new UserError('user.own-disable');
      if (!users.setDisabled(args.username, args.disabled))
        throw new UserError('user.unknown', { username: args.username });
      return { username: args.username, disabled: args.disabled };
    },
  });
}
