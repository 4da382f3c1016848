import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/** The gateway's id in the tests: type 209, an access gateway. */
export const GATEWAY_ID = '34020000002090000001';

export interface TestPlatform {
  id: string;
  port: number;
  server_id?: string;
  password?: string;
  [field: string]: unknown;
}

/**
 * The gb28181 section of a test site: the gateway on loopback and a free port, each platform on
 * loopback with its domain from its server id and its password in a 0600 file beside the site.
 */
export async function gbSection(
  dir: string,
  platforms: TestPlatform[],
  gateway: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return {
    device_id: GATEWAY_ID,
    name: '网关',
    local_port: await freePort(),
    local_address: '127.0.0.1',
    ...gateway,
    platforms: platforms.map(({ password = 'gb-test-secret', server_id = '34020000002000000001', ...p }) => {
      writeFileSync(join(dir, `gb-${p.id}.pw`), `${password}\n`, { mode: 0o600 });
      return { server_id, domain: server_id.slice(0, 10), host: '127.0.0.1', password_file: `gb-${p.id}.pw`, ...p };
    }),
  };
}
