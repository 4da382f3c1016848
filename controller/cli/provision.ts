import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { appPath, isBinary } from '../app-files.ts';
import { checkSite } from '../config/load-site.ts';
import type { SiteConfig } from '../config/types.ts';
import { ConfigError } from '../config/yaml-source.ts';
import { installLayout, systemdFiles } from '../install-layout.ts';
import { openDatabase } from '../store/database.ts';
import { socketAnswers } from '../admin/admin-socket.ts';
import { generatePassword } from '../core/passwords.ts';
import { Users } from '../store/users.ts';
import { UsageError } from './usage-error.ts';

export const provisionUsage = `campus-edge provision --root DIR --site SITE.yaml [--binary FILE] [--admin NAME]
  Installs a gateway into a target root (a mounted SD card, a chroot): the build in slot a,
  the launcher and systemd units, the site file with the certificates and secrets it names,
  and the first admin, whose password is printed once.`;

type Place = 'certs' | 'secrets' | 'profiles' | 'sounds';
interface Reference {
  at: (string | number)[];
  file: string;
  place: Place;
  dir?: boolean;
}

/** Every file or directory a site file names, and where an install keeps it. */
function references(c: SiteConfig): Reference[] {
  const refs: Reference[] = [];
  const tls = c.uplink.tls;
  if (tls?.ca) refs.push({ at: ['uplink', 'tls', 'ca'], file: tls.ca, place: 'certs' });
  if (tls?.cert) refs.push({ at: ['uplink', 'tls', 'cert'], file: tls.cert, place: 'certs' });
  if (tls?.key) refs.push({ at: ['uplink', 'tls', 'key'], file: tls.key, place: 'secrets' });
  if (c.console.tls) {
    refs.push(
      { at: ['console', 'tls', 'cert'], file: c.console.tls.cert, place: 'certs' },
      { at: ['console', 'tls', 'key'], file: c.console.tls.key, place: 'secrets' },
    );
  }
  if (c.uplink.password_file)
    refs.push({ at: ['uplink', 'password_file'], file: c.uplink.password_file, place: 'secrets' });
  for (const [i, cam] of c.video.cameras.entries())
    refs.push({ at: ['video', 'cameras', i, 'password_file'], file: cam.password_file, place: 'secrets' });
  if (c.update.public_key) refs.push({ at: ['update', 'public_key'], file: c.update.public_key, place: 'certs' });
  if (c.profiles_dir) refs.push({ at: ['profiles_dir'], file: c.profiles_dir, place: 'profiles', dir: true });
  if (c.pa.sounds_dir) refs.push({ at: ['pa', 'sounds_dir'], file: c.pa.sounds_dir, place: 'sounds', dir: true });
  return refs;
}

/** The architecture an ELF executable is built for, from its header. */
export function elfArch(file: string): 'x64' | 'arm64' {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) throw new UsageError(`${file} is not a Linux executable`);
  const machine = head.readUInt16LE(18);
  if (machine === 0x3e) return 'x64';
  if (machine === 0xb7) return 'arm64';
  throw new UsageError(`${file} is built for ELF machine ${machine}, neither x86-64 nor aarch64`);
}

class Installer {
  readonly written: string[] = [];
  constructor(private readonly root: string) {}

  path(p: string): string {
    return join(this.root, p);
  }

  file(target: string, data: Buffer | string, mode: number): void {
    mkdirSync(dirname(this.path(target)), { recursive: true });
    writeFileSync(this.path(target), data, { mode });
    chmodSync(this.path(target), mode);
    this.written.push(target);
  }

  copy(source: string, target: string, mode: number): void {
    mkdirSync(dirname(this.path(target)), { recursive: true });
    copyFileSync(source, this.path(target));
    chmodSync(this.path(target), mode);
    this.written.push(target);
  }

  tree(source: string, target: string): void {
    rmSync(this.path(target), { recursive: true, force: true });
    cpSync(source, this.path(target), { recursive: true });
    this.written.push(`${target}/`);
  }

  /** Links with the target system's absolute paths, dangling here and right once booted. */
  link(target: string, to: string): void {
    mkdirSync(dirname(this.path(target)), { recursive: true });
    if (existsSync(this.path(target)) || isLink(this.path(target))) rmSync(this.path(target));
    symlinkSync(to, this.path(target));
    this.written.push(`${target} -> ${to}`);
  }
}

const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

export async function provision(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      root: { type: 'string' },
      site: { type: 'string' },
      binary: { type: 'string' },
      admin: { type: 'string', default: 'admin' },
    },
  });
  if (!values.root || !values.site) throw new UsageError('--root DIR and --site SITE.yaml are required');
  const root = resolve(values.root);
  if (!existsSync(root))
    throw new UsageError(`${root} does not exist: mount the gateway's root file system there first`);
  const binary = values.binary ?? (isBinary() ? process.execPath : undefined);
  if (!binary)
    throw new UsageError('run from the source tree, name the build to install: --binary dist/campus-edge-linux-arm64');
  const arch = elfArch(binary);
  // A root file system that is already there tells which build it needs.
  const env = join(root, 'usr/bin/env');
  if (existsSync(env) && !isLink(env) && elfArch(env) !== arch) {
    throw new UsageError(`${root} is a linux-${elfArch(env)} system but ${binary} is built for linux-${arch}`);
  }

  const { site, issues } = checkSite(values.site);
  if (!site) throw new ConfigError(issues);
  const install = new Installer(root);
  const siteDir = dirname(site.file);
  const doc = parseDocument(readFileSync(site.file, 'utf8'));

  // The site file's neighbours move with it, each to its place under /etc/campus-edge.
  const taken = new Map<string, string>();
  for (const ref of references(site.config)) {
    const source = resolve(siteDir, ref.file);
    const relative = ref.dir ? ref.place : `${ref.place}/${basename(source)}`;
    const other = taken.get(relative);
    if (other && other !== source)
      throw new UsageError(`${other} and ${source} would both be installed as ${relative}; rename one`);
    taken.set(relative, source);
    const target = `${installLayout.config}/${relative}`;
    if (ref.dir) install.tree(source, target);
    else install.copy(source, target, ref.place === 'secrets' ? 0o600 : 0o644);
    doc.setIn(ref.at, relative);
  }
  doc.set('data_dir', installLayout.data);
  install.file(`${installLayout.config}/site.yaml`, doc.toString(), 0o640);

  // The build goes into the active slot (slot a on a fresh install).
  const current = install.path(`${installLayout.home}/current`);
  const slot = isLink(current) ? basename(readlinkSync(current)) : 'a';
  install.copy(binary, `${installLayout.home}/slots/${slot}/campus-edge`, 0o755);
  install.link(`${installLayout.home}/current`, `slots/${slot}`);
  for (const [target, source] of Object.entries(systemdFiles)) {
    install.copy(appPath(source), target, target === installLayout.launcher ? 0o755 : 0o644);
  }
  install.link(installLayout.command, installLayout.launcher);
  install.link(installLayout.wants, installLayout.unit);

  // The installed site must check where it now lives.
  const installed = checkSite(install.path(`${installLayout.config}/site.yaml`));
  if (!installed.site) throw new ConfigError(installed.issues);

  mkdirSync(install.path(installLayout.data), { recursive: true, mode: 0o750 });
  // A store in use belongs to its controller: provisioning adds nobody to it behind its back.
  const socket = install.path(`${installLayout.data}/admin.sock`);
  if (await socketAnswers(socket))
    throw new UsageError(
      `a controller is running on ${install.path(installLayout.data)} (${socket} answers): stop it before provisioning, or add users with campus-edge user add`,
    );
  const db = openDatabase(install.path(`${installLayout.data}/campus-edge.db`));
  let password: string | null = null;
  try {
    const users = new Users(db);
    if (users.count() === 0) {
      password = generatePassword();
      // Shown once on the installer's screen: the admin sets their own at the first login.
      await users.add(values.admin, 'admin', password, { mustChange: true });
    }
  } finally {
    db.close();
  }

  for (const w of install.written) console.log(`  ${w}`);
  console.log(
    `Installed campus-edge (linux-${arch}) for ${site.config.school.name}, gateway ${site.config.gateway.id}, into ${root}.`,
  );
  console.log(
    password
      ? `First admin: ${values.admin} / ${password}\n  Shown once, not stored: write it down, and change it after the first login.`
      : 'The store already has users; no admin was added.',
  );
  console.log('At first boot systemd creates the campus-edge user, sets ownership and starts the service.');
  return 0;
}
