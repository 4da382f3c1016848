import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { openDatabase } from '../controller/store/database.ts';
import { Users } from '../controller/store/users.ts';
import { binaryFor, binaryPath } from './lib/binaries.ts';
import { tempDir, writeSite } from './lib/site-fixture.ts';
import { makePki } from './lib/test-pki.ts';

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('campus-edge provision into a target root', () => {
  const t = tempDir('provision');
  const src = join(t.dir, 'src');
  const root = join(t.dir, 'root');
  let site: string;
  const run = (...args: string[]) => {
    const [cmd, ...pre] = binaryFor('x64');
    return spawnSync(cmd!, [...pre, ...args], {
      encoding: 'utf8',
      env: { ...process.env, CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') },
    });
  };

  before(async () => {
    mkdirSync(join(src, 'pki'), { recursive: true });
    mkdirSync(root);
    makePki(join(src, 'pki'), ['gw-test']);
    writeFileSync(join(src, 'gate-cam.password'), 'camera-secret\n', { mode: 0o600 });
    writeFileSync(
      join(src, 'update-key.pem'),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    site = await writeSite(src, {
      uplink: {
        url: 'mqtts://district.example:8883',
        tls: { ca: 'pki/ca.pem', cert: 'pki/gw-test.pem', key: 'pki/gw-test.key' },
      },
      video: {
        cameras: [{ id: 'gate-cam', host: '192.0.2.10', username: 'admin', password_file: 'gate-cam.password' }],
      },
      update: { public_key: 'update-key.pem' },
    });
    writeFileSync(site, `# 测试学校 gateway: comments survive provisioning\n${readFileSync(site, 'utf8')}`);
  });
  after(() => t.remove());

  test('installs the build, the units, the site with its certificates and secrets, and a first admin', async () => {
    const r = run('provision', '--root', root, '--site', site);
    assert.equal(r.status, 0, r.stderr);
    const password = /First admin: admin \/ (\S+)/.exec(r.stdout)?.[1];
    assert.ok(password, r.stdout);

    const home = join(root, 'var/lib/campus-edge');
    assert.equal(readlinkSync(join(home, 'current')), 'slots/a');
    assert.deepEqual(readFileSync(join(home, 'slots/a/campus-edge')).equals(readFileSync(binaryPath('x64'))), true);
    assert.equal(mode(join(home, 'slots/a/campus-edge')), '755');
    assert.equal(mode(join(root, 'opt/campus-edge/bin/campus-edge-launch')), '755');
    assert.equal(readlinkSync(join(root, 'usr/local/bin/campus-edge')), '/opt/campus-edge/bin/campus-edge-launch');
    assert.equal(
      readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/campus-edge.service')),
      '/etc/systemd/system/campus-edge.service',
    );
    const unit = readFileSync(join(root, 'etc/systemd/system/campus-edge.service'), 'utf8');
    assert.match(unit, /^Type=notify$/m);
    assert.match(unit, /^WatchdogSec=\d+$/m);
    for (const f of [
      'etc/systemd/journald.conf.d/campus-edge.conf',
      'usr/lib/sysusers.d/campus-edge.conf',
      'usr/lib/tmpfiles.d/campus-edge.conf',
    ]) {
      assert.ok(existsSync(join(root, f)), f);
    }

    const etc = join(root, 'etc/campus-edge');
    const installed = readFileSync(join(etc, 'site.yaml'), 'utf8');
    assert.match(installed, /^# 测试学校 gateway: comments survive provisioning/);
    const s = parse(installed) as {
      data_dir: string;
      uplink: { tls: Record<string, string> };
      video: { cameras: { password_file: string }[] };
      update: { public_key: string };
    };
    assert.equal(s.data_dir, '/var/lib/campus-edge/data');
    assert.deepEqual(s.uplink.tls, { ca: 'certs/ca.pem', cert: 'certs/gw-test.pem', key: 'secrets/gw-test.key' });
    assert.equal(s.video.cameras[0]!.password_file, 'secrets/gate-cam.password');
    assert.equal(s.update.public_key, 'certs/update-key.pem');
    assert.equal(mode(join(etc, 'site.yaml')), '640');
    assert.equal(mode(join(etc, 'secrets/gw-test.key')), '600');
    assert.equal(mode(join(etc, 'secrets/gate-cam.password')), '600');
    assert.equal(mode(join(etc, 'certs/ca.pem')), '644');

    // The installed tree checks, through the installed launcher, as the gateway will run it.
    const check = spawnSync(
      'sh',
      [join(root, 'opt/campus-edge/bin/campus-edge-launch'), 'config', 'check', join(etc, 'site.yaml')],
      {
        encoding: 'utf8',
        env: { ...process.env, CAMPUS_EDGE_HOME: home, CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') },
      },
    );
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /ok \(0 devices/);

    // systemd reads the installed unit and rates its hardening (0 is fully locked down, 10 is exposed);
    // --threshold counts in tenths, so 30 fails anything above 3.0.
    const security = spawnSync(
      'systemd-analyze',
      ['security', '--offline=true', `--root=${root}`, '--threshold=30', 'campus-edge.service'],
      { encoding: 'utf8' },
    );
    const exposure = /Overall exposure level for campus-edge\.service: ([\d.]+)/.exec(security.stdout)?.[1];
    console.log(`# systemd-analyze security: exposure ${exposure} of 10`);
    assert.equal(security.status, 0, security.stdout + security.stderr);

    const db = openDatabase(join(home, 'data/campus-edge.db'));
    try {
      const users = new Users(db);
      assert.equal(users.count(), 1);
      assert.ok(await users.verify('admin', password!), 'the printed password logs in');
    } finally {
      db.close();
    }

    // Provisioning again refreshes the install and keeps the store and its users.
    const again = run('provision', '--root', root, '--site', site);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already has users; no admin was added/);
  });

  test('clear refusals: a broken site file, a missing root, a build for the wrong machine', () => {
    writeFileSync(
      join(src, 'broken.yaml'),
      readFileSync(site, 'utf8').replace(/^gateway:\n {2}id: gw-test$/m, 'gateway:\n  id: "bad id!"'),
    );
    const broken = run('provision', '--root', root, '--site', join(src, 'broken.yaml'));
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /broken\.yaml:\d+:\d+: gateway\.id/);

    const noRoot = run('provision', '--root', join(t.dir, 'absent'), '--site', site);
    assert.equal(noRoot.status, 2);
    assert.match(noRoot.stderr, /does not exist: mount the gateway's root file system there first/);

    const arm = join(t.dir, 'arm-root');
    mkdirSync(join(arm, 'usr/bin'), { recursive: true });
    copyFileSync(binaryPath('arm64'), join(arm, 'usr/bin/env'));
    const wrong = run('provision', '--root', arm, '--site', site);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /is a linux-arm64 system but .* is built for linux-x64/);
    const right = run('provision', '--root', arm, '--site', site, '--binary', binaryPath('arm64'));
    assert.equal(right.status, 0, right.stderr);
    assert.match(right.stdout, /Installed campus-edge \(linux-arm64\)/);

    const notElf = run('provision', '--root', root, '--site', site, '--binary', site);
    assert.equal(notElf.status, 2);
    assert.match(notElf.stderr, /is not a Linux executable/);
  });
});
