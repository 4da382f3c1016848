import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Arch, stripTool, toolchain } from './targets.ts';

/** npm's own node-gyp, which npm names in the environment of every script it runs. */
function nodeGyp(): string {
  const gyp = process.env.npm_config_node_gyp;
  if (!gyp) throw new Error('run this through npm (npm run build:binary), which provides node-gyp');
  return gyp;
}

export interface AddonBuild {
  /** The addon's source: a package directory with a binding.gyp. */
  source: string;
  arch: Arch;
  /** The target Node's unpacked distribution, for its headers. */
  nodeDir: string;
  /** A scratch directory for this arch; the source is copied there so the development build stays as it is. */
  workDir: string;
  /** The built file, relative to the package. */
  file: string;
}

/** Names a build by its source: the package's version, or the content of a source directory of our own. */
function sourceKey(source: string): string {
  const hash = createHash('sha256');
  const pkg = path.join(source, 'package.json');
  if (existsSync(pkg)) hash.update(readFileSync(pkg));
  else
    for (const f of readdirSync(source)
      .filter((f) => f !== 'build')
      .sort())
      hash.update(f).update(readFileSync(path.join(source, f)));
  return hash.digest('hex').slice(0, 12);
}

/** Compiles one addon from source for one architecture and returns the stripped .node file. */
export async function buildAddon(b: AddonBuild): Promise<string> {
  const dir = path.join(b.workDir, `${path.basename(b.source)}-${sourceKey(b.source)}`);
  const out = path.join(dir, b.file);
  if (existsSync(out)) return out;
  rmSync(dir, { recursive: true, force: true });
  cpSync(b.source, dir, { recursive: true, filter: (src) => !/\/(build|prebuilds)$/.test(src) });
  // Asynchronous, so the two architectures compile side by side.
  await promisify(execFile)(
    process.execPath,
    [nodeGyp(), 'rebuild', `--arch=${b.arch}`, `--nodedir=${b.nodeDir}`, '--jobs=max'],
    {
      cwd: dir,
      // npm passes its own settings (nodedir among them) to scripts, and node-gyp would prefer them.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_'))),
        ...toolchain[b.arch],
      },
      maxBuffer: 64 << 20,
    },
  ).catch((err: Error & { stderr?: string }) => {
    throw new Error(`building ${b.source} for ${b.arch} failed:\n${err.stderr ?? err.message}`);
  });
  execFileSync(stripTool[b.arch], ['--strip-unneeded', out]);
  return out;
}
