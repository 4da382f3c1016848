import { join } from 'node:path';
import type { LoadedSite } from '../config/types.ts';

/**
 * The local admin socket: how the CLI's writing commands reach a running controller, so that
 * one process alone writes the store. One JSON line asks ({command, args}), one JSON line answers
 * (the command's result). The socket is mode 0600 in the data directory: root and the service user.
 */
export const adminSocketPath = (site: LoadedSite) => join(site.dataDir, 'admin.sock');

export interface AdminRequest {
  command: string;
  args: Record<string, unknown>;
}

/** A request line is small (a user to add); anything longer is refused unread. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export function parseAdminRequest(line: string): AdminRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const { command, args } = value as Record<string, unknown>;
  if (typeof command !== 'string' || !/^[a-z][a-z0-9.-]{0,63}$/.test(command)) return 'command: a command name';
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'args: an object';
  return { command, args: args as Record<string, unknown> };
}
