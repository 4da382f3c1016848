import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkSite } from '../controller/config/load-site.ts';
import { runInNetworkNamespace } from './lib/discoverable-cameras.ts';
import { tempDir } from './lib/site-fixture.ts';

const script = fileURLToPath(new URL('./lib/discover-in-netns.ts', import.meta.url));

test('campus-edge discover finds cameras and Modbus units, and drafts a site file that checks once completed', () => {
  const t = tempDir('discover');
  try {
    const { out, draft, seconds, probes } = runInNetworkNamespace<{
      out: string;
      draft: string;
      seconds: number;
      probes: number;
    }>(script, [t.dir], 120_000);
    console.log(`# discover: 2 cameras and 10 Modbus addresses scanned in ${seconds.toFixed(1)} s`);
    assert.match(out, /南门 Gate/);
    assert.match(out, /unit 3: renke-th \(humidity 55\.5 %RH, temperature 23\.4 °C\)/);
    assert.match(out, /unit 9: answers, no profile fits/);
    assert.ok(probes >= 1);

    const site = parse(draft) as {
      buses: { port: string; baud_rate: number }[];
      devices: { address: number; profile: string }[];
      video: { cameras: { name: string; host: string; password_file: string }[] };
    };
    assert.match(draft, /^# Draft from campus-edge discover/);
    assert.match(draft, /also fits renke-th, jxct-th, taidacent-noise\n/);
    assert.deepEqual(
      site.buses.map((b) => b.baud_rate),
      [4800],
    );
    assert.deepEqual(
      site.devices.map((d) => [d.address, d.profile]),
      [
        [3, 'renke-th'],
        [7, 'renke-co2'],
        [9, 'unknown'],
      ],
    );
    assert.deepEqual(site.video.cameras.map((c) => [c.name, c.host]).sort(), [
      ['Playground', '127.0.0.1'],
      ['南门 Gate', '127.0.0.1'],
    ]);

    // Completed as the comments ask, the draft passes the config check.
    const file = join(t.dir, 'draft-site.yaml');
    const firstCheck = checkSite(file).issues.map((i) => i.message);
    assert.ok(
      firstCheck.some((m) => m.includes('no profile "unknown"') || m.includes('unknown')),
      firstCheck.join('\n'),
    );
    mkdirSync(join(t.dir, 'secrets'));
    mkdirSync(join(t.dir, 'certs'));
    writeFileSync(
      join(t.dir, 'certs/district-commands.pem'),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    for (const c of site.video.cameras) writeFileSync(join(t.dir, c.password_file), 'pw\n', { mode: 0o600 });
    writeFileSync(
      file,
      draft.replace(/\n {2}- id: rs485-1-9\n(?: {4}.*\n)+/, '\n').replace('/var/lib/campus-edge/data', './data'),
    );
    assert.deepEqual(
      checkSite(file).issues.map((i) => i.message),
      [],
    );
  } finally {
    t.remove();
  }
});
