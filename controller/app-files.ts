import { getAsset, getRawAsset, isSea } from 'node:sea';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the single binary carries besides its code: every file, by its path in the source tree. */
export interface AssetManifest {
  version: string;
  /** Changes with every build, so two builds never share an unpacked directory. */
  build: string;
  files: string[];
}

export const manifestAsset = 'manifest.json';

/**
 * Where the files shipped with the controller live (schemas, device profiles, the console,
 * native addons): the source tree in development, or a directory unpacked from the binary.
 */
export const appRoot: string = isSea() ? unpackBinaryFiles() : fileURLToPath(new URL('..', import.meta.url));

export const appPath = (...parts: string[]): string => path.join(appRoot, ...parts);

/** True inside the single binary, false when run from the source tree. */
export const isBinary = isSea;
/** The built console. */
export const uiDist = appPath('ui/dist');

/** Which build is running: the binary's build id, or "source" when run from the source tree. */
export const buildId: string = isSea()
  ? (JSON.parse(getAsset(manifestAsset, 'utf8')) as AssetManifest).build
  : 'source';

// Addons must be real files for dlopen, and the console is served from disk, so the binary
// unpacks its assets once per build. The directory must be ours alone: it holds code we load.
function unpackBinaryFiles(): string {
  const manifest = JSON.parse(getAsset(manifestAsset, 'utf8')) as AssetManifest;
  const base = process.env.CAMPUS_EDGE_RUNTIME_DIR ?? path.join(tmpdir(), `campus-edge-${process.getuid?.() ?? 0}`);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const st = lstatSync(base);
  if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) {
    throw new Error(`${base}: runtime directory must be a directory owned by this user and writable by no one else`);
  }
  const dir = path.join(base, manifest.build);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  const staging = `${dir}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (const file of manifest.files) {
    const target = path.join(staging, file);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, new Uint8Array(getRawAsset(file) as ArrayBuffer), {
      mode: file.endsWith('.node') ? 0o500 : 0o400,
    });
  }
  writeFileSync(path.join(staging, '.complete'), manifest.build);
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another process of the same build (a `config check` beside the service) got there first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(dir, '.complete'))) throw err;
  }
  return dir;
}

/** Removes the unpacked files of other builds, once an update has proved itself and none of them runs. */
export function pruneUnpackedBuilds(): void {
  if (!isSea()) return;
  const base = path.dirname(appRoot);
  for (const entry of readdirSync(base)) {
    if (entry !== path.basename(appRoot)) rmSync(path.join(base, entry), { recursive: true, force: true });
  }
}
