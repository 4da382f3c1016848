import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadSite } from '../../controller/config/load-site.ts';
import { createLogger } from '../../controller/core/logger.ts';
import { Controller } from '../../controller/runtime.ts';
import { freePort } from './ports.ts';

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `campus-edge-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const identity = { district: 'test-district', school: 'test-school', gateway: 'gw-test' };
export const topicRoot = `campus/${identity.district}/${identity.school}/${identity.gateway}`;

/** Writes a site file for a test from the parts that differ; returns its path. */
export async function writeSite(dir: string, parts: Record<string, unknown>): Promise<string> {
  const site: Record<string, unknown> = {
    school: { id: identity.school, name: '测试学校', district: identity.district },
    gateway: { id: identity.gateway },
    data_dir: './data',
    console: { listen: '127.0.0.1', port: await freePort() },
    // Tests must not depend on whether this machine's clock is NTP-synchronized.
    clock: { ntp_check: false },
    ...parts,
  };
  // Tests of other features run the uplink in lab mode, and admins without a second factor;
  // the security tests set these themselves.
  if (site.uplink && typeof site.uplink === 'object')
    site.uplink = { allow_plaintext: true, allow_unsigned_commands: true, ...site.uplink };
  const consoleSection = site.console as { security?: object };
  site.console = { ...consoleSection, security: { two_factor_roles: [], ...consoleSection.security } };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'site.yaml');
  writeFileSync(file, stringify(site));
  return file;
}

/**
 * A site's entry for a simulated ONVIF camera, its password written beside the site (0600); its
 * digital inputs raise no camera alarm of their own (they are buttons or zones in these tests).
 */
export function simCamera(
  dir: string,
  id: string,
  cam: { port: number; username: string; password: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  writeFileSync(join(dir, `${id}.pw`), `${cam.password}\n`, { mode: 0o600 });
  return {
    id,
    host: '127.0.0.1',
    port: cam.port,
    username: cam.username,
    password_file: `${id}.pw`,
    pull_timeout_s: 2,
    arming: { 'digital-input': 'never' },
    ...extra,
  };
}

/** A controller in this process with a quiet logger. */
export async function startController(siteFile: string): Promise<Controller> {
  const c = new Controller(loadSite(siteFile), createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  await c.start();
  return c;
}
