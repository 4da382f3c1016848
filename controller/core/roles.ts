/** Console roles and what each may do (docs/security.md, README). */
export const roles = ['viewer', 'guard', 'admin', 'installer', 'auditor'] as const;
export type Role = (typeof roles)[number];

export type Permission =
  | 'view'
  | 'people.read'
  | 'people.manage'
  | 'audit.read'
  | 'alarm.ack'
  | 'gate.operate'
  | 'pa.announce'
  | 'users.manage'
  | 'config'
  | 'devices.commission'
  | 'shift.log';

/**
 * Minors' names, classes, attendance and card numbers (`people.*`) are for the guards who check
 * them at the gate and the admins who keep the roster; viewers and installers never see them.
 * The audit belongs to the auditor alone (separation of duties): an admin can neither read nor change it.
 */
const grants: Record<Role, readonly Permission[]> = {
  viewer: ['view'],
  guard: ['view', 'people.read', 'alarm.ack', 'gate.operate', 'pa.announce', 'shift.log'],
  admin: [
    'view',
    'people.read',
    'people.manage',
    'alarm.ack',
    'gate.operate',
    'pa.announce',
    'users.manage',
    'config',
    'shift.log',
  ],
  installer: ['view', 'devices.commission', 'config'],
  auditor: ['audit.read'],
};

export const may = (role: Role, permission: Permission): boolean => grants[role].includes(permission);
export const isRole = (s: string): s is Role => (roles as readonly string[]).includes(s);
