/** Console roles and what each may do (README, Command line). */
export const roles = ['viewer', 'guard', 'admin', 'installer'] as const;
export type Role = (typeof roles)[number];

export type Permission =
  | 'view' | 'alarm.ack' | 'gate.operate' | 'pa.announce' | 'users.manage' | 'config' | 'devices.commission';

const grants: Record<Role, readonly Permission[]> = {
  viewer: ['view'],
  guard: ['view', 'alarm.ack', 'gate.operate', 'pa.announce'],
  admin: ['view', 'alarm.ack', 'gate.operate', 'pa.announce', 'users.manage', 'config'],
  installer: ['view', 'devices.commission', 'config'],
};

export const may = (role: Role, permission: Permission): boolean => grants[role].includes(permission);
export const isRole = (s: string): s is Role => (roles as readonly string[]).includes(s);
