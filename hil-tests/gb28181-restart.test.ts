/**
 * A platform that restarts (GB/T 28181 §9.1): it forgets the gateway and changes its nonce. The
 * gateway's next keepalive is refused, and it registers again with the new challenge at once,
 * with no alarm and no person needed. The platform checks the digest itself (RFC 2617).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Controller } from '../controller/runtime.ts';
import { waitFor } from './lib/ports.ts';
import { gbSection } from './lib/gb-site.ts';
import { startController, tempDir, writeSite } from './lib/site-fixture.ts';
import { GbPlatformSim } from './sim/gb-platform-sim.ts';

const PLATFORM = '34020000002000000001';

describe('GB/T 28181: a platform that restarts', () => {
  const t = tempDir('gb-restart');
  const platform = new GbPlatformSim(PLATFORM, '3402000000');
  let c: Controller | undefined;
  after(async () => {
    await c?.stop();
    platform.stop();
    t.remove();
  });

  test('is registered with again on its new nonce, without an alarm', async () => {
    platform.password = 'restart-secret';
    const sipPort = await platform.start();
    c = await startController(
      await writeSite(t.dir, {
        uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 },
        gb28181: await gbSection(t.dir, [
          { id: 'district', server_id: PLATFORM, port: sipPort, password: 'restart-secret', keepalive_s: 5 },
        ]),
      }),
    );
    await waitFor('registered', () => platform.registrations === 1, 15_000);
    const registers = () => platform.received.filter((m) => m.start.startsWith('REGISTER'));
    assert.equal(registers().length, 2, 'challenged once, then accepted');

    platform.restart();
    const before = registers().length;
    await waitFor('registered again after the restart', () => platform.registrations === 2, 20_000, 100);
    const again = registers().slice(before);
    assert.ok(platform.forbidden >= 1, 'a keepalive was refused first');
    assert.ok(again.length >= 2, 'the old nonce refused, the new one accepted');
    assert.equal(c.gb28181!.status().district!.state, 'registered');
    assert.equal(c.alarms.isActive('gb28181.link:district'), false, 'no alarm for a platform restart');
  });
});
