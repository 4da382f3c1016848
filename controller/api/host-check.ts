import { networkInterfaces } from 'node:os';

/**
 * The Host names the console answers to, against DNS rebinding: a page on a name the attacker
 * controls, re-pointed at the gateway, sends that name, which is in none of these.
 * The gateway's own addresses and loopback always count; other names only when the site lists them.
 */
export function consoleHosts(configured: readonly string[]): Set<string> {
  const own = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  return new Set(['localhost', '127.0.0.1', '::1', ...own, ...configured].map((h) => h.toLowerCase()));
}

/** The host part of a Host header (`name`, `name:port`, `[v6]:port`), lower case; null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::\d{1,5})?$/i.exec(header.trim());
  return m ? (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, '') : null;
}
