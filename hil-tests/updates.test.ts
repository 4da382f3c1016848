import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSite } from '../controller/config/load-site.ts';
import { nodeDist } from '../packaging/node-dist.ts';
import { injectBlob, seaBlob } from '../packaging/sea.ts';
import { binaryFor, binaryPath } from './lib/binaries.ts';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { ServiceSupervisor } from './lib/service-supervisor.ts';
import { tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const goodBuild = binaryPath('x64');

/** A real single binary that answers `version` but fails at every start, as a bad release would. */
async function brokenBuild(dir: string): Promise<string> {
  const main = join(dir, 'broken-main.js');
  writeFileSync(
    main,
    `if (process.argv[2] === 'version') console.log('campus-edge 0.1.1 (deliberately broken build)');
else { console.error('deliberately broken build: failing at start'); process.exit(1); }\n`,
  );
  const node = join(nodeDist('x64', join(repo, 'build/cache')), 'bin/node');
  const out = join(dir, 'campus-edge-broken');
  await injectBlob(node, seaBlob(node, main, {}, dir, 'broken'), out, 'strip');
  return out;
}

const manifestFor = (file: string, version: string) => {
  const data = readFileSync(file);
  return JSON.stringify({
    version,
    arch: 'x64',
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  });
};

describe('signed A/B updates from the district', () => {
  const t = tempDir('updates');
  const home = join(t.dir, 'home');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  const district = generateKeyPairSync('ed25519');
  const served = new Map<string, Buffer>();
  let http: Server;
  let httpBase: string;
  let noc: NocSubscriber;
  let service: ServiceSupervisor;
  let port: number;

  const signedBy = (manifest: string, key: KeyObject = district.privateKey) =>
    sign(null, Buffer.from(manifest), key).toString('base64');
  const current = () => readlinkSync(join(home, 'current'));
  const events = (type: string) => noc.envelopes().filter((e) => e.type === type);

  before(async () => {
    binaryFor('x64');
    mkdirSync(join(home, 'slots/a'), { recursive: true });
    mkdirSync(join(home, 'slots/b'), { recursive: true });
    copyFileSync(goodBuild, join(home, 'slots/a/campus-edge'));
    symlinkSync('slots/a', join(home, 'current'));
    writeFileSync(join(t.dir, 'update-key.pem'), district.publicKey.export({ type: 'spki', format: 'pem' }));
    http = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await broker.start();
    noc = await new NocSubscriber(broker.url, `${topicRoot}/#`).connect('noc-updates');
    const site = await writeSite(t.dir, {
      uplink: { url: broker.url, reconnect_s: 0.3 },
      update: { public_key: 'update-key.pem', confirm_after_s: 2, rollback_after_min: 2, max_starts: 3 },
    });
    port = loadSite(site).config.console.port;
    service = new ServiceSupervisor(['sh', join(repo, 'systemd/campus-edge-launch'), 'run', '--config', site], {
      CAMPUS_EDGE_HOME: home,
      CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime'),
      LOG_LEVEL: 'info',
    });
    service.start();
    await waitFor(
      'the installed build to serve /api/health',
      () =>
        fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.ok,
          () => false,
        ),
      20_000,
      100,
    );
  });

  after(async () => {
    await service?.stop();
    await noc?.close();
    await broker.stop();
    http?.close();
    t.remove();
  });

  test('refused: a manifest the district did not sign, and a download that does not match it', async () => {
    const manifest = manifestFor(goodBuild, '0.1.0');
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const unsigned = await noc.command(topicRoot, 'update.start', {
      manifest,
      signature: signedBy(manifest, stranger),
      url: `${httpBase}/good`,
    });
    assert.equal(unsigned.ok, false);
    assert.match(unsigned.error!, /signature does not verify/);

    served.set('/tampered', Buffer.concat([readFileSync(goodBuild).subarray(0, 1 << 20), Buffer.from('tampered')]));
    const tampered = await noc.command(topicRoot, 'update.start', {
      manifest,
      signature: signedBy(manifest),
      url: `${httpBase}/tampered`,
    });
    assert.equal(tampered.ok, true, tampered.error);
    await waitFor('the failed update', () => events('update.failed').length === 1, 20_000);
    assert.match(String(events('update.failed')[0]!.data.reason), /sha256 .* does not match|received \d+ bytes/);
    assert.equal(current(), 'slots/a');
    assert.equal(existsSync(join(home, 'slots/b/campus-edge')), false);
    assert.equal(existsSync(join(home, 'slots/b/campus-edge.partial')), false);
  });

  test('a good build over HTTP goes to slot b, starts on trial and confirms itself', async () => {
    served.set('/good', readFileSync(goodBuild));
    // Signed as the district does it, with campus-edge update-sign.
    writeFileSync(join(t.dir, 'district.key'), district.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    const [cmd, ...pre] = binaryFor('x64');
    const signed = JSON.parse(
      execFileSync(
        cmd!,
        [
          ...pre,
          'update-sign',
          '--key',
          join(t.dir, 'district.key'),
          '--build',
          goodBuild,
          '--version',
          '0.1.0',
          '--url',
          `${httpBase}/good`,
        ],
        { encoding: 'utf8', env: { ...process.env, CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') } },
      ),
    ) as { manifest: string; signature: string; url: string };
    assert.equal(signed.manifest, manifestFor(goodBuild, '0.1.0'));
    const started = Date.now();
    const answer = await noc.command(topicRoot, 'update.start', signed);
    assert.deepEqual(answer, { ...answer, ok: true });
    assert.equal((answer.result as { slot: string }).slot, 'b');
    await waitFor('update.installed', () => events('update.installed').length === 1, 60_000);
    await waitFor('update.confirmed', () => events('update.confirmed').length === 1, 60_000);
    console.log(
      `# good update: command to confirmed in ${((Date.now() - started) / 1000).toFixed(1)} s (confirm_after_s 2), exits so far ${JSON.stringify(service.exits)}`,
    );
    assert.equal(current(), 'slots/b');
    assert.ok(service.exits.includes(75), 'the old build exited 75 to be restarted');
    assert.equal(existsSync(join(home, 'update/trial')), false);
  });

  test('a deliberately broken build sent in chunks fails its trial and is rolled back, with an alarm', async () => {
    const broken = readFileSync(await brokenBuild(t.dir));
    const manifest = manifestFor(join(t.dir, 'campus-edge-broken'), '0.1.1');
    const sha256 = (JSON.parse(manifest) as { sha256: string }).sha256;
    const begun = await noc.command(topicRoot, 'update.start', { manifest, signature: signedBy(manifest) });
    assert.equal(begun.ok, true, begun.error);
    assert.equal((begun.result as { slot: string }).slot, 'a');
    const CHUNK = 1 << 20;
    const chunk = (offset: number) =>
      noc.command(topicRoot, 'update.chunk', {
        sha256,
        offset,
        data: broken.subarray(offset, offset + CHUNK).toString('base64'),
      });
    const again = await noc.command(topicRoot, 'update.start', { manifest, signature: signedBy(manifest) });
    assert.deepEqual(
      again.result,
      { slot: 'a', version: '0.1.1', expect: { chunkOffset: 0 }, repeated: true },
      'a redelivered update.start keeps the transfer',
    );
    const gap = await chunk(CHUNK);
    assert.match(gap.error!, /expected the chunk at offset 0/);
    const sending = Date.now();
    for (let offset = 0; offset < broken.length; offset += CHUNK) {
      const r = await chunk(offset);
      assert.equal(r.ok, true, r.error);
      if (offset === CHUNK) {
        assert.equal(
          ((await chunk(0)).result as { duplicate: boolean }).duplicate,
          true,
          'a repeated chunk is acknowledged, not written twice',
        );
        const mid = await noc.command(topicRoot, 'update.start', { manifest, signature: signedBy(manifest) });
        assert.deepEqual(
          (mid.result as { expect: unknown }).expect,
          { chunkOffset: 2 * CHUNK },
          'a redelivered update.start mid-transfer says where to go on',
        );
      }
    }
    const exitsBefore = service.exits.length;
    await waitFor(
      'update.installed for the broken build',
      () => events('update.installed').some((e) => e.data.version === '0.1.1'),
      60_000,
    );
    const transferS = (Date.now() - sending) / 1000;
    await waitFor(
      'the rollback alarm',
      () => noc.envelopes('/alarms').some((e) => (e.data.alarm as { type: string }).type === 'update.rolled_back'),
      60_000,
    );
    const crashes = service.exits.slice(exitsBefore).filter((c) => c === 1).length;
    console.log(
      `# broken update: ${(broken.length / 1e6).toFixed(1)} MB in ${Math.ceil(broken.length / CHUNK)} chunks, each acknowledged, verified and installed in ${transferS.toFixed(1)} s; ${crashes} failed starts, then rolled back to slot b`,
    );
    assert.equal(crashes, 3, service.output.slice(-3000));
    assert.equal(current(), 'slots/b');
    await waitFor(
      'the good build to serve again',
      () =>
        fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.ok,
          () => false,
        ),
      20_000,
      100,
    );
    const status = await noc.command(topicRoot, 'update.status', {});
    assert.deepEqual((status.result as { installed: unknown }).installed, { home, running: 'b', active: 'b' });
  });
});
